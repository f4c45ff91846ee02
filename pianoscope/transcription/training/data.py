"""Rendered clips with their reference notes, and the frame targets the note network learns.

Training pianos are the grand pianos of the allowed SoundFonts (FluidR3_GM, MuseScore_General
and its Lite version, TimGM6mb), rendered dry by FluidSynth, and the acoustic and bright grands
of freepats played by the sampler of `pianoscope.model.training.pianos` (two more recorded
pianos: the SoundFonts alone are three); all are then given a room, noise and hum by the
classifier's augmentation (`pianoscope.model.training.augment`). The Steinway B recordings
(`pianoscope.transcription.training.steinway`) are never trained on: they are the left-out
piano. (The physically modelled pianos are not used: they cut every note at 3 s, while the
references of held notes sound on for up to 8 s.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.model.training.augment import augment
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.model.training.pianos import sampler
from pianoscope.model.training.pianos.sample_sets import STEINWAY, sample_set
from pianoscope.model.training.render import (
    FLUIDR3,
    MUSESCORE_FULL,
    MUSESCORE_LITE,
    TIMGM,
    MidiSlot,
    render_phrases,
)
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, KEY_COUNT, LOWEST_MIDI
from pianoscope.transcription.training import salamander, steinway
from pianoscope.transcription.training.content import (
    PASSAGES,
    SoundingNote,
    generate_clip,
    sounding_notes,
)
from pianoscope.transcription.training.render_cache import RenderCache

SOUNDFONT_PIANOS = (FLUIDR3, MUSESCORE_LITE, MUSESCORE_FULL, TIMGM)
SAMPLED_PIANOS = ("freepats-grand", "freepats-bright")
TRAINING_PIANOS = SOUNDFONT_PIANOS + SAMPLED_PIANOS
# The Salamander grand's npm samples are reserved for evaluation: never in TRAINING_PIANOS.
SALAMANDER = "salamander-grand"
CLIP_S = 10.0


@dataclass(frozen=True)
class Clip:
    """One rendered clip: mono 44.1 kHz samples, the notes sounding in it, which piano."""

    samples: np.ndarray
    notes: tuple[SoundingNote, ...]
    piano: str


def render_clips(
    piano: str,
    seeds: Sequence[int],
    *,
    room: bool = True,
    passages: Sequence[str] = PASSAGES,
    cache: RenderCache | None = None,
) -> list[Clip]:
    """Clips of generated content (one per seed, drawn from `passages`) on any piano
    `render_dry` plays.

    With `room`, each clip is augmented under its own seed (reverb, noise, hum, gain).
    """
    phrases = [generate_clip(np.random.default_rng(seed), passages=passages) for seed in seeds]
    rendered = render_dry(piano, phrases, cache)
    clips = []
    for seed, phrase, samples in zip(seeds, phrases, rendered, strict=True):
        if room:
            samples = augment(samples, np.random.default_rng([seed, 1]))
        clips.append(Clip(samples, tuple(sounding_notes(phrase)), piano))
    return clips


def render_dry(
    piano: str, phrases: Sequence[Phrase], cache: RenderCache | None = None
) -> list[np.ndarray]:
    """Each phrase rendered dry on a SoundFont's grand (program 0), a freepats grand, the
    Steinway or the Salamander grand; kept in and read from `cache` when there is one."""
    if cache is not None:
        return cache.rendered(piano, phrases, _rendered_dry)
    return _rendered_dry(piano, phrases)


def _rendered_dry(piano: str, phrases: Sequence[Phrase]) -> list[np.ndarray]:
    if piano == STEINWAY:
        return [steinway.render_notes(sounding_notes(p), p.duration_s) for p in phrases]
    if piano == SALAMANDER:
        return [salamander.render_notes(sounding_notes(p), p.duration_s) for p in phrases]
    if piano in SAMPLED_PIANOS:
        return [sampler.render_phrase(sample_set(piano), phrase) for phrase in phrases]
    return render_phrases([MidiSlot(phrase, 0) for phrase in phrases], piano)


def frame_targets(
    notes: Sequence[SoundingNote], frame_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Onset, frame and velocity targets (frame_count, KEY_COUNT), float32.

    Onset is 1 at the frame nearest each onset; frame is 1 from there up to the offset;
    velocity holds velocity / 127 at onset frames (the only frames its loss looks at).
    """
    onset = np.zeros((frame_count, KEY_COUNT), dtype=np.float32)
    frame = np.zeros_like(onset)
    velocity = np.zeros_like(onset)
    for note in notes:
        key = note.midi - LOWEST_MIDI
        first = round(note.onset_s * FRAME_RATE_HZ)
        last = max(first + 1, round(note.offset_s * FRAME_RATE_HZ))
        if not 0 <= key < KEY_COUNT or first >= frame_count:
            continue
        onset[first, key] = 1.0
        frame[first:last, key] = 1.0
        velocity[first, key] = note.velocity / 127.0
    return onset, frame, velocity
