"""Grow the previous note network's weights into the current architecture, same function.

The current network adds, to the one shipped before it, the long-frame input channels
(`network.LONG_HARMONIC_SEMITONES`) and the `context` layer. Training it from scratch did not
fit in an hour on the shared two-core machine (4 s a step under other engineers' load), so it
starts from the previous weights: the new input channels weigh nothing and the context layer
passes its input through (a ReLU of non-negative values is the identity), so the grown network
computes exactly what the previous one did and training only has to add what the new inputs
tell it.
"""

from __future__ import annotations

import numpy as np

from pianoscope.transcription.network import (
    HARMONIC_SEMITONES,
    LONG_HARMONIC_SEMITONES,
    REGISTER_CHANNELS,
)

PREVIOUS_NAMES = (
    "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
    "temporal.weight", "temporal.bias", "heads.weight", "heads.bias", "key_bias",
)  # fmt: skip
CONTEXT_KERNEL = 5


def grown(previous: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The current architecture's parameters computing the same as `previous` (float32)."""
    arrays = {name: previous[name].astype(np.float32) for name in PREVIOUS_NAMES}
    old = arrays["conv1.weight"]
    stacked = 2 * len(HARMONIC_SEMITONES)
    long = np.zeros((old.shape[0], len(LONG_HARMONIC_SEMITONES), *old.shape[2:]), np.float32)
    assert old.shape[1] == stacked + REGISTER_CHANNELS, "not the previous architecture"
    arrays["conv1.weight"] = np.concatenate([old[:, :stacked], long, old[:, stacked:]], axis=1)
    channels = arrays["temporal.weight"].shape[0]
    context = np.zeros((channels, channels, CONTEXT_KERNEL, 1), np.float32)
    context[np.arange(channels), np.arange(channels), CONTEXT_KERNEL // 2, 0] = 1.0
    arrays["context.weight"] = context
    arrays["context.bias"] = np.zeros(channels, np.float32)
    return arrays
