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

from pianoscope.model.training.render import FLUIDR3, MUSESCORE_LITE, PIANOS, TIMGM, Instrument

KNOWN_PIANOS: tuple[Instrument, ...] = tuple(PIANOS.values())

# Of the four, only MuseScore_General_Lite's grand has velocity layers: only its timbre brightens
# with velocity, so only there can intensity be read independently of the input gain.
TIMBRE_BEARING_PIANOS: tuple[str, ...] = ("grand-musescore",)

# General MIDI programs: 1 bright piano, 2 electric grand (TimGM6mb's plays its grand's samples
# too), 4/5 electric pianos, 6 harpsichord, 7 clavinet, 8 celesta, 9 glockenspiel, 10 music box,
# 11 vibraphone, 12 marimba, 13 xylophone, 16-20 organs, 21 accordion, 24-26 guitars, 33 bass,
# 40-42 strings solo, 46 harp, 48 strings, 52 choir, 56 trumpet, 61 brass, 65 sax, 71 clarinet,
# 73/74 flutes.
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


def instrument_name(instrument: Instrument) -> str:
    """Short stable name, e.g. `FluidR3_GM:0`."""
    return f"{instrument.soundfont.split('.')[0]}:{instrument.program}"
