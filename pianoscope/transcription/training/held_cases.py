"""The held notes and chords of issue 13's acceptance ("one key press is one note"): which
keys, how long, on which pianos, dry or in a room. The test
(`tests/transcription/test_held_notes.py`) and the bench that puts other tools beside
Pianoscope on them (`bench/bench_held_cases.py`) read the same cases from here.
"""

from __future__ import annotations

import numpy as np

from pianoscope.model.training.augment import add_reverb
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.transcription.training.content import held_chord
from pianoscope.transcription.training.data import SOUNDFONT_PIANOS, STEINWAY, render_dry

# The acceptance's pianos: every allowed SoundFont grand and the Steinway B samples.
HELD_PIANOS = (*SOUNDFONT_PIANOS, STEINWAY)
HELD_CASES: dict[str, Phrase] = {
    "A3 4 s": held_chord((57,), 4.0),
    "C2 8 s": held_chord((36,), 8.0, velocity=100),
    "E6 1 s": held_chord((88,), 1.0, velocity=50),
    "C major 6 s": held_chord((60, 64, 67, 72), 6.0),
    "D major pedalled 3 s": held_chord((50, 57, 66), 3.0, pedal_after_s=0.5),
    "octaves pedalled 5 s": held_chord((43, 55, 67), 5.0, velocity=110, pedal_after_s=1.0),
}
ROOMS = ("dry", "room")
# The case's room: a synthetic one of RT60 1.2 s, half as loud as the dry sound, drawn under
# ROOM_SEED (other seeds draw rooms of the same size whose colouring differs, key by key).
ROOM_RT60_S = 1.2
ROOM_WET = 0.5
ROOM_SEED = 7
ONSET_TOLERANCE_S = 0.05


def rendered_cases(piano: str) -> dict[str, np.ndarray]:
    """Case name -> its dry rendering on `piano`."""
    return dict(zip(HELD_CASES, render_dry(piano, list(HELD_CASES.values())), strict=True))


def heard_in(samples: np.ndarray, room: str) -> np.ndarray:
    """A dry rendering as the case hears it: as it is, or in the room (RT60 1.2 s)."""
    return samples if room == "dry" else in_room(samples, ROOM_SEED)


def in_room(samples: np.ndarray, seed: int) -> np.ndarray:
    """A dry rendering in a room the size of the case's, drawn under `seed`."""
    return add_reverb(samples, np.random.default_rng(seed), ROOM_RT60_S, ROOM_WET)


def one_note_per_key(case: str, notes: list[tuple[float, int]]) -> bool:
    """Whether transcribed (onset_s, midi) notes are the case's keys, each once at its onset."""
    phrase = HELD_CASES[case]
    onset_s = phrase.notes[0].start_s
    found = sorted((midi, abs(start_s - onset_s) <= ONSET_TOLERANCE_S) for start_s, midi in notes)
    return found == sorted((note.pitch, True) for note in phrase.notes)
