"""The exported trees compute what scikit-learn's do, for the judge's classifier and the
velocity reader's regressor."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

from pianoscope.transcription.training.tree_export import exported


def rows_and_target(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(2000, 6)).astype(np.float32)
    return rows, rows[:, 0] + rows[:, 1] * rows[:, 2] + 0.3 * rng.normal(size=2000)


def test_a_classifiers_trees_sum_to_its_log_odds() -> None:
    rows, target = rows_and_target(3)
    fitted = HistGradientBoostingClassifier(max_iter=40, early_stopping=False, random_state=0)
    fitted.fit(rows, (target > 0).astype(int))
    new_rows = rows_and_target(4)[0]
    probability = 1.0 / (1.0 + np.exp(-exported(fitted).sums(new_rows)))
    np.testing.assert_allclose(probability, fitted.predict_proba(new_rows)[:, 1], rtol=1e-9)


def test_a_regressors_trees_sum_to_its_prediction() -> None:
    rows, target = rows_and_target(5)
    fitted = HistGradientBoostingRegressor(max_iter=40, early_stopping=False, random_state=0)
    fitted.fit(rows, target)
    new_rows = rows_and_target(6)[0]
    np.testing.assert_allclose(exported(fitted).sums(new_rows), fitted.predict(new_rows), rtol=1e-9)
