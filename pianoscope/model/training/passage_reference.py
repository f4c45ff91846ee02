"""Measure the targets of the three-passage calibration on the training pianos.

Each of the four known pianos plays the calibration phrase (single notes from C3 to E5) at
velocity 50 (p), 72 (mf) and 95 (f), scaled by the training convention (its mf phrase reads
`REFERENCE_LEVEL_DB`). The levels are averaged over the four; the tilts are those of
MuseScore_General_Lite's grand, the one training piano whose samples brighten with velocity,
relative to its mf. `pianoscope.model.calibration` keeps the figures as constants.

    python -m pianoscope.model.training.passage_reference
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pianoscope.dsp.features import log_mel
from pianoscope.model.calibration import (
    PASSAGE_VELOCITIES,
    REFERENCE_LEVEL_DB,
    playing_level_db,
    spectral_tilt_db,
)
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.model.training.render import PIANOS, MidiSlot, render_phrases
from pianoscope.model.training.sources import TIMBRE_BEARING_PIANOS
from pianoscope.model.training.synth import calibration_phrase


def passage_phrases() -> list[Phrase]:
    """The soft, medium and loud passages: the calibration phrase at each passage velocity."""
    phrase = calibration_phrase()
    return [
        replace(phrase, notes=tuple(replace(n, velocity=v) for n in phrase.notes))
        for v in PASSAGE_VELOCITIES
    ]


def measure_reference_passages() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(levels in dB of the p, mf and f phrases, mean of the four pianos; tilts in dB per
    octave of the timbre-bearing piano relative to its mf)."""
    levels, tilts = [], {}
    for name, instrument in PIANOS.items():
        clips = render_phrases(
            [MidiSlot(p, instrument.program) for p in passage_phrases()], instrument.soundfont
        )
        features = [log_mel(clip) for clip in clips]
        mf_level = playing_level_db(features[1])
        levels.append([playing_level_db(f) - mf_level + REFERENCE_LEVEL_DB for f in features])
        tilts[name] = [spectral_tilt_db(f) for f in features]
    bearing = tilts[TIMBRE_BEARING_PIANOS[0]]
    return (
        tuple(round(float(v), 2) for v in np.mean(levels, axis=0)),
        tuple(round(t - bearing[1], 2) for t in bearing),
    )


if __name__ == "__main__":
    levels_db, tilts_db = measure_reference_passages()
    print(f"REFERENCE_PASSAGE_LEVELS_DB = {levels_db}\nREFERENCE_PASSAGE_TILTS_DB = {tilts_db}")
