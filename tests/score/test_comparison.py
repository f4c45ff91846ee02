"""Whole comparisons: another piece's score is refused, the JSON follows its contract."""

from __future__ import annotations

import json

import pytest
from score_pieces import Faults, PerformedNote, perform
from score_renders import render

from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.transcription import transcribe
from pianoscope.errors import ScoreError
from pianoscope.score.comparison import compare_with_score
from pianoscope.score.loading import Score


def as_events(notes: tuple[PerformedNote, ...]) -> list[NoteEvent]:
    return [NoteEvent(n.onset_s, n.offset_s, n.midi, n.velocity, 1.0) for n in notes]


@pytest.mark.fluidsynth
def test_a_score_of_another_piece_is_refused(piece_a: Score, piece_b: Score) -> None:
    samples = render(perform(piece_a).notes)
    transcription = transcribe(samples)
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
    assert set(data) == {
        "score",
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
        "text": data["findings"][0]["text"],
    }
    assert 1 <= len(data["headline"]) <= 3
