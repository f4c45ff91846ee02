"""Gradient boosted regression trees as plain arrays, evaluated with numpy.

The peak judge (`peak_judge`) and the velocity reader (`velocity_reader`) are fitted by
scikit-learn when the note network is trained (`pianoscope.transcription.training.tree_export`
turns its trees into these arrays), stored in the network's .npz under a prefix of their own,
and evaluated here, so the product needs no scikit-learn at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

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
        """The baseline plus every tree's leaf for each row of `features`. Every (tree, row)
        pair walks down its tree at once, and a pair leaves the walk at its leaf, so each
        step costs what the pairs still walking cost (most trees are shallow on most rows)."""
        rows = np.asarray(features, dtype=np.float64)
        count, columns = rows.shape
        feature, threshold, left, right = self._flat
        trees = self.feature.shape[0]
        node = np.repeat(np.arange(trees) * self.feature.shape[1], count)
        cell = np.tile(np.arange(count) * columns, trees)  # where each pair's row starts
        walking = np.arange(node.size)
        flat_rows = rows.ravel()
        while walking.size:
            at = node[walking]
            inner = left[at] >= 0
            walking, at = walking[inner], at[inner]
            goes_left = flat_rows[cell[walking] + feature[at]] <= threshold[at]
            node[walking] = np.where(goes_left, left[at], right[at])
        return self.baseline + self.value.ravel()[node].reshape(trees, count).sum(axis=0)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """A classifier's probability of its positive class for each row of `features` (its
        sums are the log-odds)."""
        return 1.0 / (1.0 + np.exp(-self.sums(features)))

    @cached_property
    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """feature, threshold, left and right over all trees' nodes in one row, the children
        numbered in that row (a leaf's left stays -1)."""
        first = (np.arange(self.feature.shape[0]) * self.feature.shape[1])[:, None]
        left = np.where(self.left >= 0, self.left + first, -1).ravel()
        right = np.where(self.left >= 0, self.right + first, -1).ravel()
        return self.feature.ravel(), self.threshold.ravel(), left, right
