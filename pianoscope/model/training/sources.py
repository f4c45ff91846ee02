"""Which SoundFont programs are the four pianos, training negatives, and held-out unknown pianos.

The four known pianos are fixed by DESIGN.md. Negatives for `unknown` are other instruments and
other piano-like programs of the same three SoundFonts. Six piano programs are never used in
training; they measure how often a piano the model has not heard is called `unknown`. They are of
two kinds (`pianoscope.model.training.soundfont_samples` reads which samples each program plays):

- pianos with samples of their own: the electric grands of FluidR3_GM and MuseScore_General_Lite
  (the only piano programs of the three SoundFonts that share no sample with a known piano);
- voicings of a known piano's samples: the bright and honky-tonk programs of
  MuseScore_General_Lite and TimGM6mb play exactly the samples of their SoundFont's grand, with a
  brighter filter envelope or a detuned second layer. MuseScore's bright grand differs from its
  grand by less than its own velocity layers do, so it cannot be told apart from the grand played
  a little harder; it is reported, but it is not what "a piano the model never heard" means.
"""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.model.training.pianos.sample_sets import FREEPATS_PIANOS, STEINWAY
from pianoscope.model.training.render import (
    FLUIDR3,
    MUSESCORE_FULL,
    MUSESCORE_LITE,
    PIANOS,
    TIMGM,
    Instrument,
)

KNOWN_PIANOS: tuple[Instrument, ...] = tuple(PIANOS.values())

# Of the four, only MuseScore_General_Lite's grand has velocity layers: only its timbre brightens
# with velocity, so only there can intensity be read independently of the input gain.
TIMBRE_BEARING_PIANOS: tuple[str, ...] = ("grand-musescore",)

# General MIDI programs: 1 bright piano, 2 electric grand (TimGM6mb's plays its grand's samples
# too), 4/5 electric pianos, 6 harpsichord, 7 clavinet, 8 celesta, 9 glockenspiel, 10 music box,
# 11 vibraphone, 12 marimba, 13 xylophone, 16-20 organs, 21 accordion, 24-26 guitars, 33 bass,
# 40-42 strings solo, 46 harp, 48 strings, 52 choir, 56 trumpet, 61 brass, 65 sax, 71 clarinet,
# 73/74 flutes. FluidR3_GM's 1 and TimGM6mb's 2 are pianos: drawn here before the piano pool
# existed, their clips are labelled as the pool pianos they are (`synth.plan_clips`).
TRAINING_NEGATIVES: tuple[Instrument, ...] = (
    *(Instrument(FLUIDR3, p) for p in (1, 4, 5, 6, 7, 8, 11, 16, 19, 24, 40, 46, 48, 56, 73)),
    *(Instrument(MUSESCORE_LITE, p) for p in (4, 5, 6, 7, 9, 12, 17, 21, 25, 42, 52, 65, 71)),
    *(Instrument(TIMGM, p) for p in (2, 4, 5, 6, 7, 10, 13, 18, 20, 26, 33, 41, 61, 74)),
)

HELD_OUT_PIANOS: tuple[Instrument, ...] = (
    Instrument(MUSESCORE_LITE, 1),
    Instrument(MUSESCORE_LITE, 3),
    Instrument(TIMGM, 1),
    Instrument(TIMGM, 3),
    Instrument(FLUIDR3, 2),
    Instrument(MUSESCORE_LITE, 2),
)


@dataclass(frozen=True)
class SampledPiano:
    """A piano played by the sampler from recorded key samples (`pianos.sample_sets`)."""

    name: str


@dataclass(frozen=True)
class ModelledPiano:
    """The physically modelled piano; every clip draws a piano of its own from its seed."""


@dataclass(frozen=True)
class Speech:
    """A person talking (espeak-ng), for the "not a piano" class."""


Source = Instrument | SampledPiano | ModelledPiano | Speech

# The piano pool: every acoustic-piano program of the SoundFonts we may train on (GM programs
# 0-3 and MuseScore's bank-8 mellow grand; the electric grands are strung pianos too), the
# freepats patches, the Steinway B and the modelled piano, grouped in families of pianos that
# share recorded samples (`soundfont_samples` reads which: FluidR3 0/1/3 share theirs, TimGM6mb's
# four programs play one set, MuseScore Lite and Full play the same samples). Form and intensity
# learn from every family; leaving one family out of training measures how they do on a piano
# never heard (`LEAVE_ONE_OUT`).
PIANO_FAMILIES: dict[str, tuple[Source, ...]] = {
    "fluidr3-grand": tuple(Instrument(FLUIDR3, p) for p in (0, 1, 3)),
    "fluidr3-electric-grand": (Instrument(FLUIDR3, 2),),
    "musescore-grand": tuple(
        Instrument(soundfont, program, bank)
        for soundfont in (MUSESCORE_LITE, MUSESCORE_FULL)
        for bank, program in ((0, 0), (0, 1), (0, 3), (8, 0))
    ),
    "musescore-electric-grand": (Instrument(MUSESCORE_LITE, 2), Instrument(MUSESCORE_FULL, 2)),
    "timgm-grand": tuple(Instrument(TIMGM, p) for p in range(4)),
    **{name: (SampledPiano(name),) for name in FREEPATS_PIANOS},
    STEINWAY: (SampledPiano(STEINWAY),),
    "modelled": (ModelledPiano(),),
}
# Every piano program and sampled or modelled piano: what "a piano plays" means in training.
PIANO_SOURCES: frozenset[Source] = frozenset(
    {*KNOWN_PIANOS, *(source for sources in PIANO_FAMILIES.values() for source in sources)}
)
# Left out one at a time (`pianoscope train --leave-out`): the recorded Steinway, a SoundFont
# piano, and the one piano whose samples have velocity layers (MuseScore's grand).
LEAVE_ONE_OUT: tuple[str, ...] = (STEINWAY, "timgm-grand", "musescore-grand")
# Pianos whose timbre brightens with velocity besides the level (velocity layers, the sampler's
# derived hammer low-pass, the modelled hammer's hardness): there intensity is taught to survive
# any input gain (see `train`).
TIMBRE_BEARING_FAMILIES: tuple[str, ...] = (
    "musescore-grand",
    *FREEPATS_PIANOS,
    STEINWAY,
    "modelled",
)


def pool_pianos(leave_out: str = "") -> tuple[Source, ...]:
    """Every pool piano that is not one of the four known ones, without family `leave_out`."""
    known = set(KNOWN_PIANOS)
    return tuple(
        source
        for family, sources in PIANO_FAMILIES.items()
        if family != leave_out
        for source in sources
        if source not in known
    )


def family_of(source: Source) -> str | None:
    """The pool family of a piano source; None for anything else."""
    for family, sources in PIANO_FAMILIES.items():
        if source in sources:
            return family
    return None


def instrument_name(instrument: Source) -> str:
    """Short stable name, e.g. `FluidR3_GM:0`, `MuseScore_General_Full:8:0`, `steinway-b`."""
    if isinstance(instrument, SampledPiano):
        return instrument.name
    if isinstance(instrument, ModelledPiano):
        return "modelled"
    if isinstance(instrument, Speech):
        return "speech"
    bank = f"{instrument.bank}:" if instrument.bank else ""
    return f"{instrument.soundfont.split('.')[0]}:{bank}{instrument.program}"
