"""Toy datasets for training tests: labels as the real datasets hold them, unknown rows marked."""

from __future__ import annotations

import numpy as np

from pianoscope.model.labels import IGNORE_INDEX
from pianoscope.model.training.synth import UNKNOWN_INDEX, Dataset


def labelled_toy_dataset(
    features: np.ndarray,
    piano: np.ndarray,
    form: np.ndarray,
    intensity: np.ndarray,
    unknown: np.ndarray,
) -> Dataset:
    """`features` (clips, frames, bands) with their labels; where `unknown`, noise clips whose
    piano is unknown and whose form and intensity are not learnt."""
    return Dataset(
        features.astype(np.float16),
        np.where(unknown, UNKNOWN_INDEX, piano),
        np.where(unknown, IGNORE_INDEX, form),
        np.where(unknown, IGNORE_INDEX, intensity),
        np.where(unknown, "noise", "known"),
        np.where(unknown, "noise", "toy"),
    )
