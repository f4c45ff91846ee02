"""The vectorised DTW gives parangonar's own distance and path, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parangonar.dp.dtw import DTWSL

from pianoscope.score.set_dtw import SetDTW

# parangonar's own backtracking never ends on a 1 x 1 matrix (it steps to column -1), so the
# comparison starts at two of each; the single-note case is tested on its own below.
pitch_sets = st.lists(
    st.frozensets(st.integers(55, 70), min_size=1, max_size=4), min_size=2, max_size=25
)
pitches = st.lists(st.integers(53, 72), min_size=2, max_size=40)


@settings(max_examples=150, deadline=None)
@given(performed=pitches, onsets=pitch_sets)
def test_same_distance_and_path_as_parangonar(performed: list[int], onsets: list) -> None:
    sets = [set(s) for s in onsets]
    expected_distance, expected_path = DTWSL()(np.array(performed), sets)
    distance, path = SetDTW()(np.array(performed), sets)
    assert distance == expected_distance
    np.testing.assert_array_equal(path, expected_path)


def test_a_played_score_costs_nothing() -> None:
    onsets = [{60, 64}, {62}, {64, 67}]
    distance, path = SetDTW()(np.array([60, 64, 62, 67, 64]), onsets)
    assert distance == 0.0
    assert path[0].tolist() == [0, 0] and path[-1].tolist() == [4, 2]


def test_one_note_against_one_onset() -> None:
    distance, path = SetDTW()(np.array([61]), [{60}])
    assert distance == pytest.approx(1.0)
    assert path.tolist() == [[0, 0]]
    assert SetDTW()(np.array([61]), [{60}], return_path=False) == (pytest.approx(1.0),)
