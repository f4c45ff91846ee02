"""Beat tracking from onset times: known grids come back, drift is followed, no beat is None."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.beats import track_beats


def test_a_steady_melody_in_eighths_gives_its_beats_not_its_eighths():
    rng = np.random.default_rng(0)
    onsets = 0.3 + np.arange(64) * 0.25 + rng.normal(0, 0.01, 64)
    beats = track_beats(onsets, 120.0)
    assert beats is not None
    assert beats.size == 32
    assert beats == pytest.approx(0.3 + np.arange(32) * 0.5, abs=0.03)


def test_rests_keep_the_grid_where_it_was_predicted():
    onsets = np.arange(24) * 0.5
    onsets = np.delete(onsets, [9, 10, 11])  # a rest of three beats
    beats = track_beats(onsets, 120.0)
    assert beats == pytest.approx(np.arange(24) * 0.5, abs=1e-6)


def test_a_player_who_slows_down_is_followed():
    periods = np.linspace(0.5, 0.6, 40)  # 120 bpm easing to 100 bpm
    onsets = np.concatenate([[0.0], np.cumsum(periods)])
    beats = track_beats(onsets, 120.0)
    assert beats == pytest.approx(onsets, abs=1e-6)


def test_too_few_onsets_or_no_steady_beat_is_none():
    assert track_beats(np.arange(6) * 2.0, 60.0) is None
    assert track_beats(np.arange(20) * 0.5, None) is None
    scattered = np.sort(np.random.default_rng(1).uniform(0, 20, 30))
    assert track_beats(scattered, 120.0) is None
