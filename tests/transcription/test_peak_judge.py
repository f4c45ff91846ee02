"""The peak judge: its trees as numpy evaluates them, what it is shown of each onset peak, and
the judge shipped with the note network."""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pytest

from pianoscope.transcription.boosted_trees import BoostedTrees
from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.harmonic_context import CONTEXT_FEATURES
from pianoscope.transcription.network import NoteActivations
from pianoscope.transcription.peak_judge import (
    CANDIDATE_THRESHOLD,
    FEATURE_COUNT_NAME,
    FINE_FRAMES,
    PEAK_FEATURES,
    PeakJudge,
    candidate_peaks,
    judged_peaks,
    peak_features,
)
from pianoscope.transcription.spectrogram import FLOOR_DB, FRAME_RATE_HZ, KEY_COUNT, LOWEST_MIDI
from pianoscope.transcription.transcriber import shipped_weights


def two_trees() -> PeakJudge:
    """Tree 0 splits on feature 0 at 0.5 (leaves -1 and +2), tree 1 is one leaf of +0.5."""
    trees = BoostedTrees(
        feature=np.array([[0, 0, 0], [0, 0, 0]], dtype=np.int32),
        threshold=np.array([[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        left=np.array([[1, -1, -1], [-1, -1, -1]], dtype=np.int32),
        right=np.array([[2, -1, -1], [-1, -1, -1]], dtype=np.int32),
        value=np.array([[0.0, -1.0, 2.0], [0.5, 0.0, 0.0]]),
        baseline=-0.25,
    )
    return PeakJudge(trees, probability_threshold=0.5)


def test_the_trees_sums_are_the_log_odds() -> None:
    rows = np.array([[0.2, 9.0], [0.5, 0.0], [0.7, 0.0]])
    log_odds = np.array([-0.25 - 1.0 + 0.5, -0.25 - 1.0 + 0.5, -0.25 + 2.0 + 0.5])
    expected = 1.0 / (1.0 + np.exp(-log_odds))
    np.testing.assert_allclose(two_trees().probabilities(rows), expected)


def test_the_judge_travels_as_arrays() -> None:
    judge = two_trees()
    again = PeakJudge.of({**judge.arrays(), "onset_threshold": np.float32(0.5)})
    assert again is not None
    rows = np.random.default_rng(0).uniform(0, 1, (20, 2))
    np.testing.assert_array_equal(again.probabilities(rows), judge.probabilities(rows))
    assert PeakJudge.of({"onset_threshold": np.float32(0.5)}) is None


def fundamental_rule() -> BoostedTrees:
    """A second stage of one tree: a key (+2) unless the first stage took a peak a harmonic
    below it for a key (-2)."""
    column = len(PEAK_FEATURES) + CONTEXT_FEATURES.index("first fundamental")
    return BoostedTrees(
        feature=np.array([[column, 0, 0]], dtype=np.int32),
        threshold=np.array([[0.5, 0.0, 0.0]]),
        left=np.array([[1, -1, -1]], dtype=np.int32),
        right=np.array([[2, -1, -1]], dtype=np.int32),
        value=np.array([[0.0, 2.0, -2.0]]),
        baseline=0.0,
    )


def test_a_judge_with_a_second_stage_travels_as_arrays_too() -> None:
    judge = replace(two_trees(), context=fundamental_rule())
    again = PeakJudge.of({**judge.arrays(), "onset_threshold": np.float32(0.5)})
    assert again is not None and again.context is not None
    np.testing.assert_array_equal(again.context.value, judge.context.value)
    assert PeakJudge.of({**two_trees().arrays()}).context is None  # weights before stop 68


def test_the_second_stage_reads_what_the_first_said_of_the_peaks_struck_with_it() -> None:
    activations = quiet()
    struck(activations, 20, 50, 0.9, 1.0)  # a key
    struck(activations, 39, 50, 0.8, 0.9)  # at its third harmonic, struck with it
    struck(activations, 70, 150, 0.8, 0.8)  # alone
    frames, keys = candidate_peaks(activations.onset)
    first_only = two_trees()
    first = first_only.probabilities(peak_features(activations, frames, keys))
    np.testing.assert_array_equal(first_only.peak_probabilities(activations, frames, keys), first)
    assert np.all(first > 0.5)  # one by one, all three are keys
    both = replace(first_only, context=fundamental_rule())
    found = both.peak_probabilities(activations, frames, keys)
    probability = dict(zip(keys.tolist(), found, strict=True))
    assert probability[39] == pytest.approx(1.0 / (1.0 + np.exp(2.0)))
    assert probability[20] == probability[70] == pytest.approx(1.0 / (1.0 + np.exp(-2.0)))
    kept = judged_peaks(activations, both)[1].tolist()
    assert kept == [20, 70]


def quiet(frames: int = 200) -> NoteActivations:
    zeros = np.zeros((frames, KEY_COUNT), dtype=np.float32)
    return NoteActivations(
        zeros.copy(), zeros.copy(), zeros.copy(), zeros - FLOOR_DB, zeros - FLOOR_DB
    )


def struck(
    activations: NoteActivations,
    key: int,
    frame: int,
    onset: float,
    sounding: float,
    level_db: float = -6.0,
    fine_level_db: float | None = None,
) -> None:
    """A key struck at `frame`: its onset peak, 60 frames sounding, its level from `level_db`
    at the attack falling 10 dB a second (in the long frames from `fine_level_db`, by default
    the same)."""
    activations.onset[frame - 1 : frame + 2, key] = (onset / 2, onset, onset / 2)
    activations.frame[frame : frame + 60, key] = sounding
    activations.velocity[frame, key] = 80.0
    fall_db = 10.0 * np.arange(60) / FRAME_RATE_HZ
    fine_db = level_db if fine_level_db is None else fine_level_db
    for levels, attack_db in (
        (activations.key_levels_db, level_db),
        (activations.fine_key_levels_db, fine_db),
    ):
        span = levels[frame : frame + 60, key]  # a view: written in place
        span[:] = np.maximum(span, attack_db - fall_db[: span.size])


def test_candidates_are_the_onset_peaks_from_the_candidate_threshold() -> None:
    activations = quiet()
    struck(activations, 20, 50, 0.9, 1.0)
    struck(activations, 40, 100, CANDIDATE_THRESHOLD * 1.5, 0.3)
    struck(activations, 60, 150, CANDIDATE_THRESHOLD * 0.9, 0.3)
    frames, keys = candidate_peaks(activations.onset)
    assert list(zip(frames.tolist(), keys.tolist(), strict=True)) == [(50, 20), (100, 40)]


def test_a_peak_an_octave_over_a_stronger_one_is_shown_that_one() -> None:
    activations = quiet()
    struck(activations, 20, 50, 0.9, 1.0)  # the lower note
    struck(activations, 32, 51, 0.4, 0.5)  # an octave up, a frame later, weaker
    struck(activations, 70, 150, 0.6, 0.8)  # alone, far from both
    frames, keys = candidate_peaks(activations.onset)
    rows = peak_features(activations, frames, keys)
    assert rows.shape == (3, len(PEAK_FEATURES))
    column = {name: index for index, name in enumerate(PEAK_FEATURES)}
    octave, lower, alone = rows[keys.tolist().index(32)], rows[0], rows[2]
    assert octave[column["below onset"]] == np.float32(0.9)
    assert octave[column["below count"]] == 1
    assert lower[column["above onset"]] == np.float32(0.4)
    assert lower[column["below count"]] == 0
    assert alone[column["together count"]] == 0
    assert alone[column["strong attack distance"]] == 1.0  # no other strong attack near
    assert octave[column["strong attack distance"]] < 0.1
    assert alone[column["sustain 10"]] == np.float32(0.8)


def test_a_partial_an_octave_over_a_note_is_shown_by_its_level_whatever_the_gain() -> None:
    activations = quiet()
    struck(activations, 20, 50, 0.9, 1.0, level_db=-6.0)  # the lower note
    struck(activations, 32, 50, 0.8, 0.9, level_db=-16.0)  # its octave partial, 10 dB under
    struck(activations, 70, 150, 0.6, 0.8, level_db=-20.0)  # alone
    frames, keys = candidate_peaks(activations.onset)
    rows = peak_features(activations, frames, keys)
    column = {name: index for index, name in enumerate(PEAK_FEATURES)}
    octave, lower, alone = rows[keys.tolist().index(32)], rows[0], rows[2]
    assert octave[column["attack over 12 below"]] == pytest.approx(-10.0)
    assert octave[column["attack level"]] == pytest.approx(-10.0)
    assert lower[column["attack level"]] == 0.0
    assert lower[column["attack over octave above"]] == pytest.approx(10.0)
    assert alone[column["attack over 12 below"]] == pytest.approx(FLOOR_DB - 20.0)
    assert alone[column["rise"]] == pytest.approx(FLOOR_DB - 20.0)
    assert octave[column["rise over 12 below"]] == pytest.approx(-10.0)
    assert alone[column["decay"]] == pytest.approx(-10.0 * 25 / FRAME_RATE_HZ, abs=1e-4)
    # every level cue is a difference of levels: a take 20 dB softer reads the same
    softer = replace(
        activations,
        key_levels_db=activations.key_levels_db - 20.0,
        fine_key_levels_db=activations.fine_key_levels_db - 20.0,
    )
    np.testing.assert_allclose(peak_features(softer, frames, keys), rows, atol=1e-4)


def test_a_key_a_semitone_under_a_louder_one_is_shown_by_its_level_in_the_long_frames() -> None:
    activations = quiet()
    struck(activations, 51, 50, 1.0, 1.0, level_db=0.0)  # C5
    # B4: the short frames hear the C5's partial spill into it, the long frames do not
    struck(activations, 50, 50, 0.9, 0.4, level_db=-7.0, fine_level_db=-30.0)
    struck(activations, 70, 150, 0.9, 1.0, level_db=-7.0)  # a key struck alone
    frames, keys = candidate_peaks(activations.onset)
    rows = peak_features(activations, frames, keys)
    column = {name: index for index, name in enumerate(PEAK_FEATURES)}
    spill, struck_key, alone = rows[keys.tolist().index(50)], rows[1], rows[2]
    for later in FINE_FRAMES:
        cue = column[f"fine over beside +{later}"]
        assert spill[cue] == pytest.approx(-30.0)
        assert struck_key[cue] == pytest.approx(30.0)
        assert alone[cue] == pytest.approx(FLOOR_DB - 7.0 - 10.0 * later / FRAME_RATE_HZ)


def test_a_partial_lies_on_its_notes_envelope_where_a_key_struck_stands_out_of_it() -> None:
    activations = quiet()
    struck(activations, 57 - LOWEST_MIDI, 50, 1.0, 1.0, level_db=-10.0)  # A3
    # its partials 2-4 in the long frames: A4, E5, A5
    for midi, level_db in ((69, -6.0), (76, -5.0), (81, -7.0)):
        activations.fine_key_levels_db[40:120, midi - LOWEST_MIDI] = level_db
    struck(activations, 76 - LOWEST_MIDI, 50, 0.9, 0.9, level_db=-40.0, fine_level_db=-40.0)
    struck(activations, 70, 150, 0.9, 1.0)  # a key with nothing below it
    frames, keys = candidate_peaks(activations.onset)
    column = {name: index for index, name in enumerate(PEAK_FEATURES)}
    partial = peak_features(activations, frames, keys)[keys.tolist().index(76 - LOWEST_MIDI)]
    envelope_db = 10.0 * np.log10((10.0**-0.6 + 10.0**-0.7) / 2.0)
    assert partial[column["over the envelope of 3 below"]] == pytest.approx(-5.0 - envelope_db)
    assert partial[column["3 below sounding"]] == 1.0
    assert partial[column["2 below sounding"]] == 0.0  # nothing sounds an octave under E5
    assert partial[column["over the envelope of 2 below"]] == 0.0
    activations.fine_key_levels_db[40:120, 76 - LOWEST_MIDI] += 15.0  # an E5 struck over it
    rows = peak_features(activations, frames, keys)
    struck_key, alone = rows[keys.tolist().index(76 - LOWEST_MIDI)], rows[-1]
    over = struck_key[column["over the envelope of 3 below"]]
    assert over == pytest.approx(10.0 - envelope_db)
    assert alone[column["3 below sounding"]] == 0.0
    assert alone[column["over the envelope of 3 below"]] == 0.0


def test_a_judge_fitted_on_other_measures_is_left_to_the_rules(caplog) -> None:
    weights = shipped_weights()
    assert int(weights[FEATURE_COUNT_NAME]) == len(PEAK_FEATURES)
    unrecorded = {name: array for name, array in weights.items() if name != FEATURE_COUNT_NAME}
    fewer = {**weights, FEATURE_COUNT_NAME: np.int64(len(PEAK_FEATURES) - 8)}
    for other in (unrecorded, fewer):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            assert PeakJudge.of(other) is None
        assert "decoded by the hand rules" in caplog.text


def test_the_shipped_network_carries_a_judge_and_decodes_with_it() -> None:
    judge = PeakJudge.of(shipped_weights())
    assert judge is not None and judge.context is not None
    assert 0.0 < judge.probability_threshold < 1.0
    activations = quiet()
    struck(activations, 60 - LOWEST_MIDI, 50, 0.95, 1.0)  # a clear C4, nothing else
    (note,) = decode_notes(activations, frame_threshold=0.5, judge=judge)
    assert note.midi == 60
    assert abs(note.onset_s - 1.0) < 0.02
