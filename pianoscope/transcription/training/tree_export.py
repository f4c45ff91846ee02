"""Boosted trees fitted by scikit-learn, as the arrays the product evaluates
(`pianoscope.transcription.boosted_trees`)."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from pianoscope.transcription.boosted_trees import BoostedTrees

Model = type[HistGradientBoostingClassifier] | type[HistGradientBoostingRegressor]


def fitted_trees(
    model: Model,
    features: np.ndarray,
    targets: np.ndarray,
    *,
    rounds: int,
    leaves: int,
    learning_rate: float,
) -> BoostedTrees:
    """`model` (a classifier: log-odds; a regressor: the target) fitted without early stopping
    (its split of the data is random) on one thread (the same sums, so the same trees, on any
    machine), exported."""
    trees = model(
        max_iter=rounds,
        max_leaf_nodes=leaves,
        learning_rate=learning_rate,
        early_stopping=False,
        random_state=0,
    )
    with threadpool_limits(1):
        trees.fit(features, targets)
    return exported(trees)


def exported(
    fitted: HistGradientBoostingClassifier | HistGradientBoostingRegressor,
) -> BoostedTrees:
    """The trees of a fitted one-output model, padded to the largest (a leaf's left is -1)."""
    nodes = [predictors[0].nodes for predictors in fitted._predictors]
    width = max(len(tree) for tree in nodes)
    feature = np.zeros((len(nodes), width), dtype=np.int32)
    threshold = np.zeros((len(nodes), width), dtype=np.float64)
    left = np.full((len(nodes), width), -1, dtype=np.int32)
    right = np.full((len(nodes), width), -1, dtype=np.int32)
    value = np.zeros((len(nodes), width), dtype=np.float64)
    for index, tree in enumerate(nodes):
        count, inner = len(tree), ~tree["is_leaf"].astype(bool)
        feature[index, :count] = tree["feature_idx"]
        threshold[index, :count] = tree["num_threshold"]
        left[index, :count] = np.where(inner, tree["left"], -1)
        right[index, :count] = np.where(inner, tree["right"], -1)
        value[index, :count] = np.where(inner, 0.0, tree["value"])
    baseline = float(np.ravel(fitted._baseline_prediction)[0])
    return BoostedTrees(feature, threshold, left, right, value, baseline)
