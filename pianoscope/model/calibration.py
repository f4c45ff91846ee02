"""Level calibration: the level cue of intensity is read relative to a per-input reference.

Training convention: every training instrument is scaled so that the calibration phrase (single
mf notes, velocity 72, from C3 to E5) reads `REFERENCE_LEVEL_DB` as its playing level. In the app
a teacher plays a few mf notes once; `calibrate` measures them and the offset moves the input to
that convention. Uncalibrated input is assumed to follow the convention already (offset 0 dB).

Intensity is the one label that needs this: which piano plays, and how, does not change with
the microphone's gain. For those a take is its own reference (`take_gain_db`): its audio is
scaled so that its loudest 100 ms lies where a take played p to f in the convention has it,
so a recording 40 dB too quiet or too loud is read exactly like one at the convention's level
(scaling the audio, not shifting the features, keeps the features' -100 dB floor where it was).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.features import log_mel

REFERENCE_LEVEL_DB = -30.0
# Where a take's loudest 100 ms (`pianoscope.dsp.levels.reference_level_db`, dBFS) lies in the
# convention when it is played from p to f: the bundled demo, whose mf passage calibrates to
# 0 dB, reads -17.6 dBFS.
TAKE_LOUDEST_DB = -17.5
# Frames louder than this percentile define the playing level: onsets and sustained tones count,
# rests and decays between notes do not.
PLAYING_LEVEL_PERCENTILE = 95.0


@dataclass(frozen=True)
class Calibration:
    """Offset in dB between an input's mf level and the training convention."""

    offset_db: float = 0.0

    def apply(self, features_db: np.ndarray) -> np.ndarray:
        """Features moved to the training level convention."""
        return features_db - np.float32(self.offset_db)


def take_gain_db(take_reference_db: float) -> float:
    """The gain, dB, that places a take whose loudest 100 ms reads `take_reference_db` dBFS at
    the convention's level (see the module docstring)."""
    return TAKE_LOUDEST_DB - take_reference_db


def frame_levels_db(features_db: np.ndarray) -> np.ndarray:
    """Total power of each frame in dB, from log-mel features of shape (frames, bands)."""
    return 10.0 * np.log10(np.sum(10.0 ** (features_db.astype(np.float64) / 10.0), axis=-1))


def playing_level_db(features_db: np.ndarray) -> float:
    """Level of the playing in a window: the 95th percentile of its frame levels, in dB."""
    if features_db.shape[0] == 0:
        return float("-inf")
    return float(np.percentile(frame_levels_db(features_db), PLAYING_LEVEL_PERCENTILE))


def calibrate(mf_audio: np.ndarray) -> Calibration:
    """Calibration from a recording of a few mf notes (float32 mono at 44.1 kHz, >= 0.5 s)."""
    features_db = log_mel(mf_audio)
    if features_db.shape[0] < 20:
        raise ValueError("calibration needs at least half a second of mf notes")
    return Calibration(playing_level_db(features_db) - REFERENCE_LEVEL_DB)
