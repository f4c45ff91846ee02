"""The time map: a known tempo comes back, a mismatched anchor is dropped, bars get their BPM."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.score.loading import Bar
from pianoscope.score.timing import TimeMap


def test_steady_tempo_maps_beats_to_seconds_both_ways() -> None:
    beats = np.arange(0, 16, 0.5)
    time_map = TimeMap.from_pairs(beats, 1.0 + beats * 0.6)
    assert time_map.seconds_per_beat == pytest.approx(0.6)
    assert time_map.time_s(7.25) == pytest.approx(1.0 + 7.25 * 0.6)
    assert time_map.time_s(20.0) == pytest.approx(1.0 + 20 * 0.6)  # extended past the end
    assert time_map.beat_at(1.0 + 3.3 * 0.6) == pytest.approx(3.3)
    assert time_map.bar_bpm(Bar(2, 4.0, 8.0, 4)) == pytest.approx(100.0)


def test_an_anchor_running_backwards_is_dropped() -> None:
    beats = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    times = [0.0, 0.5, 9.0, 1.5, 2.0, 2.5]  # beat 2 matched to a note far too late
    time_map = TimeMap.from_pairs(beats, times)
    assert 2.0 not in time_map.beats.tolist()
    assert time_map.time_s(2.0) == pytest.approx(1.0)


def test_slower_bars_read_slower_and_an_empty_bar_has_no_tempo() -> None:
    beats = np.arange(0, 12.0)
    seconds_per_beat = np.where(beats < 4, 0.5, 0.5 / 0.85)
    times = np.concatenate([[0.0], np.cumsum(seconds_per_beat[:-1])])
    time_map = TimeMap.from_pairs(beats, times)
    assert time_map.bar_bpm(Bar(1, 0.0, 4.0, 4)) == pytest.approx(120.0)
    assert time_map.bar_bpm(Bar(2, 4.0, 8.0, 4)) == pytest.approx(102.0)
    assert time_map.bar_bpm(Bar(9, 40.0, 44.0, 4)) is None


def test_local_fit_leaves_out_the_note_itself() -> None:
    beats = np.arange(0, 8.0)
    times = beats * 0.5
    times[4] += 0.2  # one late onset
    time_map = TimeMap.from_pairs(beats, times)
    expected_s, seconds_per_beat = time_map.local_fit(4.0, exclude_own=True)
    assert expected_s == pytest.approx(2.0)
    assert (times[4] - expected_s) / seconds_per_beat == pytest.approx(0.4)


def test_notes_of_one_onset_that_disagree_take_the_time_of_their_neighbours() -> None:
    beats = [0.0, 1.0, 2.0, 2.0, 3.0, 4.0]
    # Beat 2's bass was matched to a transcribed note 0.7 beat early (a held key reported
    # again at the melody's attack); its melody note is on time.
    times = [0.0, 0.5, 1.0, 0.65, 1.5, 2.0]
    time_map = TimeMap.from_pairs(beats, times)
    assert time_map.time_s(2.0) == pytest.approx(1.0)
    assert time_map.bar_bpm(Bar(1, 0.0, 4.0, 4)) == pytest.approx(120.0)
