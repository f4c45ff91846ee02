"""Write an Analysis as JSON (DESIGN.md contract), CSV (notes or segments) and MIDI (notes)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import mido

from pianoscope.analysis.result import HEADS, Analysis
from pianoscope.errors import AnalysisError

MIDI_TICKS_PER_BEAT = 480
MIDI_TEMPO_US = 500_000  # 120 BPM: the file's times are seconds, not bars


def write_json(data: dict[str, Any], path: str | Path) -> None:
    _write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def write_csv(analysis: Analysis, path: str | Path, *, segments: bool = False) -> None:
    """Notes (one row per note) or, with `segments`, one row per 2 s segment."""
    rows: list[list[Any]]
    if segments:
        # The heads keep their columns; whether a piano plays comes after them.
        columns = (*HEADS, "instrument")
        header = ["start_s", "end_s"] + [f"{h}{s}" for h in columns for s in ("", "_p")]
        rows = []
        for segment in analysis.segments:
            row: list[Any] = [f"{segment.start_s:.3f}", f"{segment.end_s:.3f}"]
            for head in columns:
                label = getattr(segment.labels, head) if segment.labels else None
                row += ["", ""] if label is None else [label.label, f"{label.p:.3f}"]
            rows.append(row)
    else:
        header = ["onset_s", "offset_s", "midi", "name", "velocity", "confidence"]
        rows = [
            [
                f"{n.onset_s:.3f}",
                f"{n.offset_s:.3f}",
                n.midi,
                n.name,
                n.velocity,
                f"{n.confidence:.3f}",
            ]
            for n in analysis.notes
        ]
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as error:
        raise AnalysisError(f"Could not write {path}: {error.strerror or error}") from error


def write_midi(analysis: Analysis, path: str | Path) -> None:
    """The notes as a one-track Standard MIDI File (piano, channel 1, 120 BPM)."""
    ticks_per_s = MIDI_TICKS_PER_BEAT * 1_000_000 / MIDI_TEMPO_US
    events = []
    for note in analysis.notes:
        events.append((round(note.onset_s * ticks_per_s), 1, "note_on", note.midi, note.velocity))
        events.append((round(note.offset_s * ticks_per_s), 0, "note_off", note.midi, 0))
    events.sort()
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=MIDI_TEMPO_US)])
    track.append(mido.Message("program_change", program=0))
    now = 0
    for tick, _, kind, midi, velocity in events:
        track.append(mido.Message(kind, note=midi, velocity=velocity, time=tick - now))
        now = tick
    midi_file = mido.MidiFile(ticks_per_beat=MIDI_TICKS_PER_BEAT)
    midi_file.tracks.append(track)
    try:
        midi_file.save(str(path))
    except OSError as error:
        raise AnalysisError(f"Could not write {path}: {error.strerror or error}") from error


def _write_text(path: str | Path, text: str) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise AnalysisError(f"Could not write {path}: {error.strerror or error}") from error
