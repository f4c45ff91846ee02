"""Separable toy clips for quick trainings of the real network (see `toy_dataset`)."""

from __future__ import annotations

import numpy as np

from pianoscope.model.labels import IGNORE_INDEX
from pianoscope.model.training.synth import UNKNOWN_INDEX, Dataset
from pianoscope.model.training.train import TIMBRE_BEARING_INDICES

TIMBRE = TIMBRE_BEARING_INDICES[0]


def toy_dataset(rng: np.random.Generator, clips: int) -> Dataset:
    """Separable toy clips: piano = which band group is lit, form = which of four high bands is
    lit too, intensity = level, and on the timbre-bearing piano also the level of a neighbouring
    band relative to the group (a gain-invariant "brightness"); a fifth of the clips are noise
    labelled unknown."""
    frames, bands = 40, 64
    piano = rng.integers(0, 4, clips)
    form = rng.integers(0, 4, clips)
    intensity = rng.integers(0, 5, clips)
    unknown = rng.random(clips) < 0.2
    time = np.arange(frames)
    features = np.full((clips, frames, bands), -90.0) + rng.normal(0, 1, (clips, frames, bands))
    for i in range(clips):
        if unknown[i]:
            features[i] = -60 + rng.normal(0, 8, (frames, bands))
            continue
        level = -50.0 + 10.0 * intensity[i]
        pulse = (np.sin(2 * np.pi * time / 8) > 0) * 10.0 - 10.0
        lit = slice(4 + 12 * piano[i], 12 + 12 * piano[i])
        features[i][:, lit] = (level + pulse)[:, None]
        features[i][:, 52 + 3 * form[i] : 54 + 3 * form[i]] = level - 6.0
        if piano[i] == TIMBRE:
            bright = 12 + 12 * piano[i]
            features[i][:, bright : bright + 2] = (level - 30.0 + 6.0 * intensity[i] + pulse)[
                :, None
            ]
    return Dataset(
        features.astype(np.float16),
        np.where(unknown, UNKNOWN_INDEX, piano),
        np.where(unknown, IGNORE_INDEX, form),
        np.where(unknown, IGNORE_INDEX, intensity),
        np.where(unknown, "noise", "known"),
        np.where(unknown, "noise", "toy"),
    )
