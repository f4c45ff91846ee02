"""One short piano score rendered by FluidSynth at chosen tempi, cached under ~/.cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

import mido
import numpy as np
from support.midi_files import one_track_midi

from pianoscope.model.training.render import FLUIDR3, render_midi

CACHE_DIR = Path.home() / ".cache" / "pianoscope-tests"
SAMPLE_RATE_HZ = 44_100
TICKS_PER_BEAT = 480
BEATS = 32


def score(beats: int = BEATS) -> list[tuple[float, float, int, int]]:
    """(onset beat, length in beats, MIDI note, velocity): a melody in eighths over a bass
    chord on each bar of 4 beats."""
    rng = np.random.default_rng(2026)
    scale = [0, 2, 4, 5, 7, 9, 11]
    notes = []
    for eighth in range(beats * 2):
        degree = int(rng.integers(0, 14))
        midi = 60 + 12 * (degree // 7) + scale[degree % 7]
        notes.append((eighth / 2, 0.45, midi, int(rng.integers(55, 100))))
    for bar in range(beats // 4):
        root = 36 + scale[int(rng.integers(0, 7))]
        notes += [(bar * 4.0, 3.8, root + step, 60) for step in (0, 7, 16)]
    return notes


def midi_bytes(
    tempo_bpm: float, tempo_changes: tuple[tuple[int, float], ...] = (), beats: int = BEATS
) -> bytes:
    """The score of `beats` beats at `tempo_bpm`, changing to each (beat, bpm) of
    `tempo_changes` at that beat."""
    events = [(0, 0, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(tempo_bpm)))]
    for beat, bpm in tempo_changes:
        change = mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))
        events.append((beat * TICKS_PER_BEAT, 0, change))
    for onset, length, midi, velocity in score(beats):
        start, end = round(onset * TICKS_PER_BEAT), round((onset + length) * TICKS_PER_BEAT)
        events.append((start, 2, mido.Message("note_on", note=midi, velocity=velocity)))
        events.append((end, 1, mido.Message("note_off", note=midi, velocity=0)))
    return one_track_midi(events, ticks_per_beat=TICKS_PER_BEAT, tail_ticks=TICKS_PER_BEAT * 2)


def rendered(
    tmp_dir: Path,
    tempo_bpm: float,
    tempo_changes: tuple[tuple[int, float], ...] = (),
    soundfont: str = FLUIDR3,
    beats: int = BEATS,
) -> np.ndarray:
    """The score rendered with a SoundFont's grand piano (gain 0.5), cached by MIDI content."""
    data = midi_bytes(tempo_bpm, tempo_changes, beats)
    key = hashlib.sha256(data + soundfont.encode()).hexdigest()[:20]
    cached = CACHE_DIR / f"compare-{key}.npy"
    if cached.is_file():
        return np.load(cached)
    midi_path = tmp_dir / f"{key}.mid"
    midi_path.write_bytes(data)
    samples = render_midi(midi_path, soundfont, gain=0.5)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(cached, samples)
    return samples
