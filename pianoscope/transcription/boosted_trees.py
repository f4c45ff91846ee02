"""Gradient boosted regression trees as plain arrays, evaluated with numpy.

The peak judge (`peak_judge`) and the velocity reader (`velocity_reader`) are fitted by
scikit-learn when the note network is trained (`pianoscope.transcription.training.tree_export`
turns its trees into these arrays), stored in the network's .npz under a prefix of their own,
and evaluated here, so the product needs no scikit-learn at run time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BoostedTrees:
    """One row per tree: node i tests `feature[i] <= threshold[i]` and goes `left[i]` if so,
    else `right[i]`; a leaf (left -1) adds `value[i]` to `baseline`."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    baseline: float

    @classmethod
    def of(cls, weights: dict[str, np.ndarray], prefix: str) -> BoostedTrees | None:
        """The trees stored in `weights` under `prefix`; None when there are none."""
        if f"{prefix}feature" not in weights:
            return None
        return cls(
            weights[f"{prefix}feature"].astype(np.int32),
            weights[f"{prefix}threshold"].astype(np.float64),
            weights[f"{prefix}left"].astype(np.int32),
            weights[f"{prefix}right"].astype(np.int32),
            weights[f"{prefix}value"].astype(np.float64),
            float(weights[f"{prefix}baseline"]),
        )

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The arrays `of` reads back, named with `prefix`."""
        return {
            f"{prefix}feature": self.feature,
            f"{prefix}threshold": self.threshold,
            f"{prefix}left": self.left,
            f"{prefix}right": self.right,
            f"{prefix}value": self.value,
            f"{prefix}baseline": np.float64(self.baseline),
        }

    def sums(self, features: np.ndarray) -> np.ndarray:
        """The baseline plus every tree's leaf for each row of `features`."""
        rows = np.asarray(features, dtype=np.float64)
        trees = np.arange(self.feature.shape[0])[:, None]
        node = np.zeros((self.feature.shape[0], rows.shape[0]), dtype=np.int32)
        sample = np.arange(rows.shape[0])[None, :]
        while True:
            inner = self.left[trees, node] >= 0
            if not inner.any():
                break
            goes_left = rows[sample, self.feature[trees, node]] <= self.threshold[trees, node]
            step = np.where(goes_left, self.left[trees, node], self.right[trees, node])
            node = np.where(inner, step, node)
        return self.baseline + self.value[trees, node].sum(axis=0)
