"""Grown weights compute what the previous architecture computed."""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional

from pianoscope.transcription.network import (
    HARMONIC_SEMITONES,
    LONG_HARMONIC_SEMITONES,
    forward,
    input_channels,
)
from pianoscope.transcription.spectrogram import FEATURE_COUNT
from pianoscope.transcription.warm_start import grown


def previous_weights(seed: int) -> dict[str, np.ndarray]:
    """Random weights of the previous architecture: 30 input channels, 32/40/40."""
    rng = np.random.default_rng(seed)
    shapes = {
        "conv1.weight": (32, 30, 3, 3), "conv1.bias": (32,),
        "conv2.weight": (40, 32, 3, 3), "conv2.bias": (40,),
        "temporal.weight": (40, 40, 5, 1), "temporal.bias": (40,),
        "heads.weight": (3, 40, 1, 1), "heads.bias": (3,), "key_bias": (3, 88),
    }  # fmt: skip
    return {name: rng.normal(0.0, 0.2, shape).astype(np.float32) for name, shape in shapes.items()}


def previous_forward(features: np.ndarray, weights: dict[str, np.ndarray]) -> np.ndarray:
    """Onset probabilities of the previous architecture, written out in torch."""
    stacked = 2 * len(HARMONIC_SEMITONES)
    channels = input_channels(features)
    channels = np.concatenate(
        [channels[:stacked], channels[stacked + len(LONG_HARMONIC_SEMITONES) :]]
    )
    w = {name: torch.from_numpy(array) for name, array in weights.items()}
    hidden = torch.from_numpy(np.ascontiguousarray(channels))[None]
    hidden = functional.relu(
        functional.conv2d(hidden, w["conv1.weight"], w["conv1.bias"], padding=1)
    )
    hidden = functional.relu(
        functional.conv2d(hidden, w["conv2.weight"], w["conv2.bias"], padding=1)
    )
    hidden = functional.relu(
        functional.conv2d(
            hidden, w["temporal.weight"], w["temporal.bias"], padding=(4, 0), dilation=(2, 1)
        )
    )
    logits = functional.conv2d(hidden, w["heads.weight"], w["heads.bias"])[0]
    return torch.sigmoid(logits[0] + w["key_bias"][0][None, :]).numpy()


def test_grown_weights_compute_what_the_previous_network_did_whatever_the_long_frames() -> None:
    previous = previous_weights(4)
    rng = np.random.default_rng(4)
    features = rng.uniform(-1.0, 0.0, (300, FEATURE_COUNT)).astype(np.float32)
    other_long = features.copy()
    other_long[:, 297:] = rng.uniform(-1.0, 0.0, (300, FEATURE_COUNT - 297))
    weights = grown(previous)
    expected = previous_forward(features, previous)
    np.testing.assert_allclose(forward(features, weights).onset, expected, atol=2e-5)
    np.testing.assert_array_equal(
        forward(other_long, weights).onset, forward(features, weights).onset
    )
