"""Held notes and chords, rendered dry on every allowed piano once per session."""

from __future__ import annotations

from functools import cache

import numpy as np

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


@cache
def held_renderings(piano: str) -> dict[str, np.ndarray]:
    """Case name -> its dry rendering on `piano`, rendered once per session."""
    rendered = render_dry(piano, list(HELD_CASES.values()))
    return dict(zip(HELD_CASES, rendered, strict=True))
