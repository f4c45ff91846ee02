"""Performances rendered exactly with FluidSynth (FluidR3 grand), cached under ~/.cache."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import mido
import numpy as np
from support.midi_files import one_track_midi
from support.score_pieces import Faults, Performance, PerformedNote

from pianoscope.model.training.render import FLUIDR3, render_midi
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score

CACHE_DIR = Path.home() / ".cache" / "pianoscope-tests"
TICKS_PER_BEAT = 480
TICKS_PER_S = 960  # at MIDI's default 120 BPM

# Play a score with faults, render, transcribe and compare (the `compare_rendering` fixture).
Compare = Callable[[Score, Faults], tuple[Performance, ScoreComparison]]


def midi_bytes(notes: Sequence[PerformedNote]) -> bytes:
    """A one-track MIDI file of `notes` (a note-off sorts before a note-on at the same tick)."""
    events = []
    for note in notes:
        on = mido.Message("note_on", note=note.midi, velocity=note.velocity)
        events.append((round(note.onset_s * TICKS_PER_S), 1, on))
        off = mido.Message("note_off", note=note.midi, velocity=0)
        events.append((round(note.offset_s * TICKS_PER_S), 0, off))
    return one_track_midi(events, ticks_per_beat=TICKS_PER_BEAT, tail_ticks=TICKS_PER_BEAT * 4)


def render(notes: Sequence[PerformedNote], soundfont: str = FLUIDR3) -> np.ndarray:
    """44.1 kHz mono float32 samples of `notes` played by a SoundFont's grand (FluidR3's by
    default), rendered once."""
    data = midi_bytes(notes)
    key = hashlib.sha256(data + soundfont.encode()).hexdigest()[:20]
    cached = CACHE_DIR / f"score-{key}.npy"
    if cached.is_file():
        return np.load(cached)
    with tempfile.TemporaryDirectory(prefix="pianoscope-score-") as tmp:
        midi_path = Path(tmp) / "take.mid"
        midi_path.write_bytes(data)
        samples = render_midi(midi_path, soundfont)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cached, samples)
    return samples
