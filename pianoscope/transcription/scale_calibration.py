"""The scale calibration: a chromatic scale played mf measures the input's mf level, as the mf
calibration does, and each key's level, against which every note's velocity is then read
(`pianoscope.transcription.key_balance`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.model.calibration import Calibration, calibrate
from pianoscope.transcription.key_balance import key_levels_of_scale
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ
from pianoscope.transcription.transcriber import NoteTranscriber


def calibrate_scale(
    samples: np.ndarray, weights: dict[str, np.ndarray] | None = None
) -> Calibration:
    """The scale calibration of a recording of a chromatic scale played mf (float32 mono,
    44.1 kHz); ValueError saying what to play when it is too short or too few keys were heard."""
    mf = calibrate(samples)
    transcriber = NoteTranscriber(
        weights, reference_db=signal_reference_level_db(samples, SAMPLE_RATE_HZ)
    )
    transcriber.feed(samples)
    notes = transcriber.finish().notes
    return replace(mf, key_levels_db=key_levels_of_scale(notes, transcriber.note_levels_db(notes)))
