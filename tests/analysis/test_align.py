"""DTW paths: always from start to end in allowed steps; the diagonal for identical takes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pianoscope.analysis.align import align, dtw_path
from pianoscope.errors import AnalysisError

# Steps (1, 2) and (2, 1) are listed with the cell they pass through: (1, 1) then (0, 1) or (1, 0).
ALLOWED_STEPS = {(1, 1), (1, 0), (0, 1)}


def features(rng: np.random.Generator, frames: int) -> np.ndarray:
    rows = rng.random((frames, 12)) + 1e-3
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@settings(max_examples=150, deadline=None)
@given(n=st.integers(2, 120), stretch=st.floats(0.5, 2.0), seed=st.integers(0, 2**32 - 1))
def test_any_pair_within_twice_the_length_gets_a_complete_monotone_path(n, stretch, seed):
    m = max(2, round((n - 1) * stretch) + 1)
    if not 0.5 <= (m - 1) / (n - 1) <= 2.0:
        return
    rng = np.random.default_rng(seed)
    reference_frames, take_frames = dtw_path(features(rng, n), features(rng, m))
    assert (reference_frames[0], take_frames[0]) == (0, 0)
    assert (reference_frames[-1], take_frames[-1]) == (n - 1, m - 1)
    steps = list(
        zip(np.diff(reference_frames).tolist(), np.diff(take_frames).tolist(), strict=True)
    )
    assert set(steps) <= ALLOWED_STEPS
    # A horizontal or vertical move always follows a diagonal one: slopes stay within 1/2..2.
    for before, after in itertools.pairwise(steps):
        assert before == (1, 1) or after == (1, 1)


def test_identical_takes_align_on_the_diagonal():
    reference = features(np.random.default_rng(4), 200)
    alignment = align(reference, reference, frame_s=0.05, take_offset_s=1.0)
    np.testing.assert_allclose(alignment.take_time_s, alignment.reference_time_s + 1.0)
    assert alignment.tempo_ratio() == pytest.approx(1.0)
    assert not alignment.take_time_s.flags.writeable


def test_takes_more_than_twice_as_long_are_refused():
    rng = np.random.default_rng(5)
    with pytest.raises(AnalysisError, match="twice"):
        dtw_path(features(rng, 10), features(rng, 30))
    with pytest.raises(AnalysisError, match="too short"):
        dtw_path(features(rng, 1), features(rng, 1))
