"""Seeded playing on pianos that are not among the four, rendered by FluidSynth and cached.

Enrolment tests need a teacher's "own pianos": SoundFont pianos the shipped model never trained
on (`pianoscope.model.training.sources.HELD_OUT_PIANOS`). Each rendering cycles through the
four playing forms at random intensities, so enrolment and evaluation hear the same kind of
variety, and a different seed gives different notes.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.render import (
    MUSESCORE_LITE,
    TIMGM,
    Instrument,
    MidiSlot,
    render_phrases,
)

CACHE_DIR = (
    Path(os.environ.get("PIANOSCOPE_TEST_CACHE", Path.home() / ".cache" / "pianoscope-tests"))
    / "enrolment"
)
SAMPLE_RATE_HZ = 44_100
PHRASE_S = 6.0
# Bright grand pianos of two SoundFonts: pianos, but neither one of the four nor a negative the
# shipped model was trained to reject.
OWN_PIANOS: dict[str, Instrument] = {
    "Studio upright": Instrument(MUSESCORE_LITE, 1),
    "Hall grand": Instrument(TIMGM, 1),
}


def rendered(instrument: Instrument, seed: int, seconds: float = 90.0) -> np.ndarray:
    """`seconds` of seeded playing on `instrument` (float32 mono, 44.1 kHz), cached as .npy."""
    name = f"{instrument.soundfont.split('.')[0]}-{instrument.program}-{seed}-{seconds:g}s.npy"
    path = CACHE_DIR / name
    if path.is_file():
        return np.load(path)
    rng = np.random.default_rng(seed)
    slots = [
        MidiSlot(
            generate_phrase(
                rng, FORM_LABELS[i % 4], INTENSITY_LABELS[int(rng.integers(5))], PHRASE_S
            ),
            instrument.program,
        )
        for i in range(int(np.ceil(seconds / PHRASE_S)))
    ]
    audio = np.concatenate(render_phrases(slots, instrument.soundfont, gap_s=1.0))
    audio = audio[: round(seconds * SAMPLE_RATE_HZ)].astype(np.float32)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npy")
    np.save(partial, audio)
    partial.replace(path)
    return audio
