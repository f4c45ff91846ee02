"""MIDI built with mido, rendered once with FluidR3 and cached under ~/.cache/pianoscope-tests/."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from pianoscope.model.training.render import FLUIDR3, render_midi

CACHE_DIR = Path.home() / ".cache" / "pianoscope-tests"
SAMPLE_RATE_HZ = 44_100
TICKS_PER_BEAT = 480
TEMPO_US = 500_000  # 120 BPM: one beat is 0.5 s, so 960 ticks a second.


@dataclass(frozen=True)
class Note:
    onset_s: float
    offset_s: float
    midi: int
    velocity: int = 80


def midi_file(notes: Sequence[Note], program: int = 0) -> mido.MidiFile:
    """A one-track MIDI file playing `notes` on channel 0."""
    events = []
    for note in notes:
        events.append(
            (note.onset_s, 1, mido.Message("note_on", note=note.midi, velocity=note.velocity))
        )
        events.append((note.offset_s, 0, mido.Message("note_off", note=note.midi, velocity=0)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=TEMPO_US)])
    track.append(mido.Message("program_change", program=program))
    ticks_per_s = TICKS_PER_BEAT * 1_000_000 / TEMPO_US
    now = 0
    for time_s, _, message in events:
        tick = round(time_s * ticks_per_s)
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=TICKS_PER_BEAT))
    result = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    result.tracks.append(track)
    return result


def render_cached(notes: Sequence[Note], tmp_dir: Path, soundfont: str = FLUIDR3) -> np.ndarray:
    """Render `notes` with FluidSynth, caching the samples under ~/.cache/pianoscope-tests/."""
    midi = midi_file(notes)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    key = hashlib.sha256(buffer.getvalue() + soundfont.encode()).hexdigest()[:20]
    cached = CACHE_DIR / f"{key}.npy"
    if cached.is_file():
        return np.load(cached)
    midi_path = tmp_dir / f"{key}.mid"
    midi_path.write_bytes(buffer.getvalue())
    samples = render_midi(midi_path, soundfont)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cached, samples)
    return samples


KEYBOARD_NOTE_S = 1.2
KEYBOARD_GAP_S = 0.3


def keyboard_notes() -> list[Note]:
    """A0..C8 one after another, each held KEYBOARD_NOTE_S, velocity 80."""
    step_s = KEYBOARD_NOTE_S + KEYBOARD_GAP_S
    return [
        Note(0.2 + i * step_s, 0.2 + i * step_s + KEYBOARD_NOTE_S, midi)
        for i, midi in enumerate(range(21, 109))
    ]
