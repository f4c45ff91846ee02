"""Bars of a recording: its beats (from note onsets and tempo) grouped by a meter.

A teacher thinks in bars, not seconds, so a comparison is told in the reference's bars. The
meter cannot be heard reliably from audio, so it is the teacher's to give (4/4 by default);
bar 1 starts on the first note unless the piece opens with an upbeat of some beats.
"""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.meter import Meter
from pianoscope.dsp.beats import track_beats
from pianoscope.dsp.transcription import signal_onsets_and_tempo


def beat_times(samples: np.ndarray, sample_rate_hz: int) -> np.ndarray | None:
    """Beat times (s) of a mono recording, or None without a steady beat (see dsp.beats)."""
    onset_times_s, tempo_bpm = signal_onsets_and_tempo(samples, sample_rate_hz)
    return track_beats(onset_times_s, tempo_bpm)


def bar_starts(beats_s: np.ndarray, meter: Meter) -> np.ndarray:
    """Start times (s) of bar 1, 2, ...: every `beats_per_bar`-th beat after the upbeat."""
    return np.asarray(beats_s, dtype=np.float64)[meter.upbeat_beats :: meter.beats_per_bar]
