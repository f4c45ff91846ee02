"""Seeded playing on pianos that are not among the four, rendered by FluidSynth and cached.

Enrolment tests need a teacher's "own pianos": SoundFont pianos the shipped model never trained
on (`pianoscope.model.training.sources.HELD_OUT_PIANOS`). Each rendering cycles through the
four playing forms at random intensities, so enrolment and evaluation hear the same kind of
variety, and a different seed gives different notes.
"""

from __future__ import annotations

import numpy as np
from support.audio_cache import TEST_CACHE, cached_audio

from pianoscope.model.training.other_pianos import render_playing
from pianoscope.model.training.render import MUSESCORE_LITE, TIMGM, Instrument

CACHE_DIR = TEST_CACHE / "enrolment"
# Bright grand pianos of two SoundFonts: pianos, but neither one of the four nor a negative the
# shipped model was trained to reject.
OWN_PIANOS: dict[str, Instrument] = {
    "Studio upright": Instrument(MUSESCORE_LITE, 1),
    "Hall grand": Instrument(TIMGM, 1),
}


def rendered(instrument: Instrument, seed: int, seconds: float = 90.0) -> np.ndarray:
    """`seconds` of seeded playing on `instrument` (float32 mono, 44.1 kHz), cached as .npy."""
    name = f"{instrument.soundfont.split('.')[0]}-{instrument.program}-{seed}-{seconds:g}s.npy"
    return cached_audio(CACHE_DIR / name, lambda: render_playing(instrument, seed, seconds))
