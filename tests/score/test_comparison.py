"""Whole comparisons: another piece's score is refused, the JSON follows its contract."""

from __future__ import annotations

import dataclasses
import json

import pytest
from support.score_pieces import Faults, PieceSpec, as_events, perform, write_piece
from support.score_renders import render

from pianoscope.errors import ScoreError
from pianoscope.score.comparison import compare_with_score
from pianoscope.score.loading import Score, load_score
from pianoscope.transcription.transcriber import transcribe_notes


@pytest.mark.fluidsynth
def test_a_score_of_another_piece_is_refused(piece_a: Score, piece_b: Score) -> None:
    samples = render(perform(piece_a).notes)
    transcription = transcribe_notes(samples)
    with pytest.raises(ScoreError, match="does not seem to be piece_b"):
        compare_with_score(
            piece_b,
            transcription.notes,
            onset_times_s=transcription.onset_times_s,
            samples=samples,
        )


def test_a_take_without_notes_is_refused(piece_a: Score) -> None:
    with pytest.raises(ScoreError, match="No notes were heard"):
        compare_with_score(piece_a, [])


def test_notes_alone_are_compared_without_audio(piece_a: Score) -> None:
    faults = Faults(skipped=frozenset({10}), bar_tempo_factor=dict.fromkeys((5, 6, 7, 8), 0.85))
    comparison = compare_with_score(piece_a, as_events(perform(piece_a, faults).notes))
    bars = {(f.kind, f.first_bar, f.last_bar) for f in comparison.findings}
    assert ("notes", piece_a.notes[10].bar, piece_a.notes[10].bar) in bars
    assert ("tempo", 5, 8) in bars
    assert comparison.played_bpm == pytest.approx(120.0, rel=0.01)
    assert all(bar.played_articulation is None for bar in comparison.bars)  # needs the audio


def test_json_contract(piece_a: Score) -> None:
    performance = perform(piece_a, Faults(wrong={3: 1}))
    data = json.loads(
        json.dumps(compare_with_score(piece_a, as_events(performance.notes)).to_json_dict())
    )
    assert data["repeats_played"] is False
    assert set(data) == {
        "score",
        "repeats_played",
        "played_bpm",
        "played_share",
        "headline",
        "bars",
        "findings",
        "notes",
        "extra_notes",
    }
    assert data["score"] == {"title": "piece_a", "marked_bpm": 120.0}
    assert len(data["notes"]) == len(piece_a.notes) and len(data["bars"]) == len(piece_a.bars)
    assert set(data["notes"][3]) == {
        "id",
        "bar",
        "midi",
        "name",
        "onset_beat",
        "status",
        "played_midi",
        "onset_s",
        "offset_s",
        "onset_deviation_beats",
        "duration_ratio",
        "velocity",
        "sustain_drop_db",
    }
    assert data["notes"][3]["status"] == "wrong_pitch"
    assert data["notes"][3]["played_midi"] == piece_a.notes[3].midi + 1
    assert set(data["bars"][0]) == {
        "bar",
        "repeat",
        "start_beat",
        "end_beat",
        "start_s",
        "end_s",
        "written_notes",
        "wrong_notes",
        "missed_notes",
        "extra_notes",
        "bpm",
        "tempo_ratio",
        "marked_dynamic",
        "played_dynamic",
        "marked_articulation",
        "played_articulation",
    }
    assert data["findings"][0] == {
        "kind": "notes",
        "first_bar": piece_a.notes[3].bar,
        "last_bar": piece_a.notes[3].bar,
        "repeat": 1,
        "text": data["findings"][0]["text"],
    }
    assert 1 <= len(data["headline"]) <= 3


@pytest.fixture(scope="module")
def piece_with_repeat(tmp_path_factory: pytest.TempPathFactory) -> Score:
    spec = PieceSpec(
        bars=8, seed=5, dynamics={1: "mf"}, slurred_bars=(), staccato_bars=(), repeat_bars=(1, 4)
    )
    return load_score(write_piece(tmp_path_factory.mktemp("repeat") / "minuet.musicxml", spec))


@pytest.mark.fluidsynth
@pytest.mark.xfail(
    strict=False,
    reason="the note network misses the wrong F4 of the repeat's bar 3 (FluidR3), struck with "
    "an A2 and 0.5 s after an E4, so the bar reads as notes played late rather than a wrong "
    "note (issue 13); not strict: another CPU's float rounding may decide it otherwise",
)
def test_a_played_repeat_is_followed_and_its_bars_named(piece_with_repeat: Score) -> None:
    unfolded = piece_with_repeat.with_repeats
    assert unfolded is not None and len(unfolded.bars) == 12
    assert [bar.repeat for bar in unfolded.bars[:8]] == [1, 1, 1, 1, 2, 2, 2, 2]
    second_bar_3 = next(
        i for i, n in enumerate(unfolded.notes) if n.bar_index == 6 and n.midi >= 60
    )
    samples = render(perform(unfolded, Faults(wrong={second_bar_3: 1})).notes)
    transcription = transcribe_notes(samples)
    comparison = compare_with_score(
        piece_with_repeat,
        transcription.notes,
        onset_times_s=transcription.onset_times_s,
        samples=samples,
    )
    assert comparison.repeats_played
    assert [(f.kind, f.first_bar, f.repeat) for f in comparison.findings] == [("notes", 3, 2)]
    assert comparison.findings[0].text.startswith("Bar 3 (repeat): ")


@pytest.mark.fluidsynth
def test_a_repeat_left_out_is_not_reported(piece_with_repeat: Score) -> None:
    samples = render(perform(piece_with_repeat).notes)
    transcription = transcribe_notes(samples)
    comparison = compare_with_score(
        piece_with_repeat,
        transcription.notes,
        onset_times_s=transcription.onset_times_s,
        samples=samples,
    )
    assert not comparison.repeats_played
    assert comparison.findings == ()


def _shifted(piece: Score, indices: list[int], shift_s: float) -> list:
    """A perfect transcription of the exact performance with some score notes moved."""
    performance = perform(piece)
    events = as_events(performance.notes)
    for index in indices:
        event = events[performance.plays[index]]
        events[performance.plays[index]] = dataclasses.replace(
            event, onset_s=event.onset_s + shift_s, offset_s=event.offset_s + shift_s
        )
    return events


def test_one_of_two_notes_heard_early_is_no_rhythm_finding_but_both_are(piece_a: Score) -> None:
    first_beat = next(n.onset_beat for n in piece_a.notes if n.bar == 10)
    together = [i for i, n in enumerate(piece_a.notes) if n.onset_beat == first_beat]
    assert len(together) == 2
    bass = min(together, key=lambda i: piece_a.notes[i].midi)
    # The transcription reports a held bass key again at the melody's attack before it.
    one_early = compare_with_score(piece_a, _shifted(piece_a, [bass], -0.75))
    assert not [f.text for f in one_early.findings if f.kind == "rhythm"]
    both_early = compare_with_score(piece_a, _shifted(piece_a, together, -0.25))
    rhythm = [(f.first_bar, f.text) for f in both_early.findings if f.kind == "rhythm"]
    assert rhythm == [(10, "Bar 10: the notes on beat 1 come 0.5 beat early.")]
