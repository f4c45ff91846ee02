from __future__ import annotations

import csv
import itertools
import json

import mido
import numpy as np
import pytest
import soundfile as sf
from support.synthetic_recordings import PLAYED, SAMPLE_RATE_HZ

from pianoscope.analysis.export import write_csv, write_json, write_midi
from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import Label, SegmentLabels
from pianoscope.errors import AudioFileError
from pianoscope.progress import Cancelled, CancelToken


def test_analysis_finds_the_played_notes_at_their_onsets(arpeggio_file) -> None:
    analysis = analyse_file(arpeggio_file)
    for onset_s, midi in PLAYED:
        (note,) = [n for n in analysis.notes if n.midi == midi and abs(n.onset_s - onset_s) <= 0.05]
        assert note.offset_s > note.onset_s
        assert 1 <= note.velocity <= 127 and 0.0 < note.confidence <= 1.0
    assert analysis.duration_s == pytest.approx(PLAYED[-1][0] + 0.5 + 2.2, abs=1e-3)


def test_analysis_finds_no_note_that_was_not_played(arpeggio_file) -> None:
    found = [(round(n.onset_s, 2), n.midi) for n in analyse_file(arpeggio_file).notes]
    assert [midi for _, midi in found] == [midi for _, midi in PLAYED], found


def test_json_follows_the_design_contract(arpeggio_file, tmp_path) -> None:
    analysis = analyse_file(arpeggio_file)
    out = tmp_path / "analysis.json"
    write_json(analysis.to_json_dict(), out)
    data = json.loads(out.read_text())
    assert {"file", "duration_s", "sample_rate", "notes", "segments", "summary"} <= data.keys()
    assert data["sample_rate"] == SAMPLE_RATE_HZ
    assert set(data["notes"][0]) == {
        "onset_s",
        "offset_s",
        "midi",
        "name",
        "velocity",
        "confidence",
    }
    assert data["notes"][0]["name"] == "C4"
    assert set(data["summary"]) >= {
        "piano",
        "form_share",
        "intensity_share",
        "dynamic_range_db",
        "tempo_bpm",
        "note_count",
    }
    assert data["summary"]["note_count"] == len(analysis.notes) > 0
    assert data["summary"]["dynamic_range_db"] > 0.0


def test_segments_cover_the_recording_in_order_with_null_labels_without_a_classifier(
    arpeggio_file,
) -> None:
    data = analyse_file(arpeggio_file).to_json_dict()
    segments = data["segments"]
    assert segments[0]["start_s"] == 0.0
    assert all(a["end_s"] == b["start_s"] for a, b in itertools.pairwise(segments))
    assert segments[-1]["end_s"] == pytest.approx(data["duration_s"], abs=1e-3)
    assert all(s[h] is None for s in segments for h in ("piano", "form", "intensity"))
    assert data["summary"]["piano"] is None and data["summary"]["form_share"] == {}


def test_labeller_labels_sounding_segments_and_the_summary_counts_them(arpeggio_file) -> None:
    calls = []

    def labeller(samples: np.ndarray, rate: int, reference_db: float) -> SegmentLabels:
        calls.append(samples.size / rate)
        return SegmentLabels(Label("grand-fluidr3", 0.9), Label("arpeggio", 0.8), Label("mf", 0.7))

    data = analyse_file(arpeggio_file, labeller=labeller).to_json_dict()
    labelled = [s for s in data["segments"] if s["piano"] is not None]
    silent = [s for s in data["segments"] if s["piano"] is None]
    assert calls and all(length <= 2.0 for length in calls)
    assert len(labelled) == len(calls) and silent, "the silent tail is not labelled"
    assert labelled[0]["form"] == {"label": "arpeggio", "p": 0.8}
    assert data["summary"]["piano"] == "grand-fluidr3"
    assert data["summary"]["form_share"] == {"arpeggio": 1.0}


def test_block_size_does_not_change_the_result(arpeggio_file) -> None:
    small = analyse_file(arpeggio_file, block_s=0.7)
    large = analyse_file(arpeggio_file, block_s=10.0)
    assert small.notes == large.notes
    np.testing.assert_allclose(small.loudness.rms_db, large.loudness.rms_db, atol=1e-4)


def test_progress_rises_to_one_and_cancel_stops_the_work(arpeggio_file) -> None:
    fractions: list[float] = []
    analyse_file(arpeggio_file, progress=fractions.append, block_s=1.0)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and len(fractions) > 3

    token = CancelToken()

    def cancel_halfway(fraction: float) -> None:
        if fraction > 0.4:
            token.cancel()

    with pytest.raises(Cancelled):
        analyse_file(arpeggio_file, progress=cancel_halfway, cancel=token, block_s=1.0)


def test_csv_and_midi_exports_hold_the_notes(arpeggio_file, tmp_path) -> None:
    analysis = analyse_file(arpeggio_file)
    write_csv(analysis, tmp_path / "notes.csv")
    write_csv(analysis, tmp_path / "segments.csv", segments=True)
    write_midi(analysis, tmp_path / "notes.mid")
    with open(tmp_path / "notes.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["midi"]) for r in rows] == [n.midi for n in analysis.notes]
    with open(tmp_path / "segments.csv", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(analysis.segments)
    midi = mido.MidiFile(tmp_path / "notes.mid")
    played, now_s = [], 0.0
    for message in midi:
        now_s += message.time
        if message.type == "note_on" and message.velocity > 0:
            played.append((round(now_s, 2), message.note))
    assert len(played) == len(analysis.notes) >= len(PLAYED)
    expected = sorted((n.midi, n.onset_s) for n in analysis.notes)
    for (midi, time_s), (note_midi, onset_s) in zip(
        sorted((m, t) for t, m in played), expected, strict=True
    ):
        assert midi == note_midi and abs(time_s - onset_s) < 0.01


def test_unreadable_files_are_reported(tmp_path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"not audio at all")
    with pytest.raises(AudioFileError):
        analyse_file(broken)


@pytest.mark.parametrize("frames", [1, 100, 2_000])
def test_very_short_recordings_are_analysed_without_error(tmp_path, frames):
    """A take stopped at once (a few samples) must not break the analysis."""
    path = tmp_path / "short.wav"
    sf.write(path, np.full(frames, 0.1, np.float32), 44_100)
    analysis = analyse_file(path)
    assert analysis.duration_s == pytest.approx(frames / 44_100)
    assert len(analysis.segments) == 1
