"""Which SoundFont programs are the four pianos, training negatives, and held-out unknown pianos.

The four known pianos are fixed by DESIGN.md. Negatives for `unknown` are other instruments and
other piano-like programs of the same three SoundFonts. A few piano programs (bright acoustic and
honky-tonk of MuseScore_General_Lite and TimGM6mb) are never used in training: they measure how
often a piano the model has not heard is called `unknown`.
"""

from __future__ import annotations

from pianoscope.model.render import FLUIDR3, MUSESCORE_LITE, PIANOS, TIMGM, Instrument

KNOWN_PIANOS: tuple[Instrument, ...] = tuple(PIANOS.values())

# General MIDI programs: 1 bright piano, 2 electric grand, 4/5 electric pianos, 6 harpsichord,
# 7 clavinet, 8 celesta, 9 glockenspiel, 10 music box, 11 vibraphone, 12 marimba, 13 xylophone,
# 16-20 organs, 21 accordion, 24-26 guitars, 33 bass, 40-42 strings solo, 46 harp, 48 strings,
# 52 choir, 56 trumpet, 61 brass, 65 sax, 71 clarinet, 73/74 flutes.
TRAINING_NEGATIVES: tuple[Instrument, ...] = (
    *(Instrument(FLUIDR3, p) for p in (1, 2, 4, 5, 6, 7, 8, 11, 16, 19, 24, 40, 46, 48, 56, 73)),
    *(Instrument(MUSESCORE_LITE, p) for p in (2, 4, 5, 6, 7, 9, 12, 17, 21, 25, 42, 52, 65, 71)),
    *(Instrument(TIMGM, p) for p in (2, 4, 5, 6, 7, 10, 13, 18, 20, 26, 33, 41, 61, 74)),
)

HELD_OUT_PIANOS: tuple[Instrument, ...] = (
    Instrument(MUSESCORE_LITE, 1),
    Instrument(MUSESCORE_LITE, 3),
    Instrument(TIMGM, 1),
    Instrument(TIMGM, 3),
)


def instrument_name(instrument: Instrument) -> str:
    """Short stable name, e.g. `FluidR3_GM:0`."""
    return f"{instrument.soundfont.split('.')[0]}:{instrument.program}"
