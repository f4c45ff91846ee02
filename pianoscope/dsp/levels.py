"""Levels: RMS in dBFS, A-weighted level, a block-wise level meter, a take's reference level
and its dynamic range.

dBFS here means RMS relative to a full-scale sine's RMS, so a full-scale sine reads 0 dBFS
(the same reference as the spectra). The A-weighting is the IEC 61672 curve, normalised to
0 dB at 1 kHz, applied as a bilinear-transformed IIR filter in the time domain and as a gain
curve in the frequency domain (for the live frame, which only has a spectrum).

A recording's absolute level says more about the microphone and its gain than about the
playing, so whatever decides that something sounds (a note, an onset, a segment worth
classifying) is measured from the take's reference level, its loudest 100 ms
(`reference_level_db`), never from a fixed dBFS: the same take recorded 40 dB quieter or
louder is analysed the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.signal import bilinear_zpk, sosfilt, sosfilt_zi, zpk2sos

from pianoscope.dsp.stft import SILENCE_DB as DIGITAL_SILENCE_DB
from pianoscope.dsp.stft import to_db

FULL_SCALE_SINE_RMS = 1.0 / np.sqrt(2.0)
# Frames this far below a take's loudest frame are silence: they count neither towards its
# dynamic range nor as a segment to classify.
SOUNDING_RANGE_DB = 50.0
# A take's reference level is the RMS of its loudest frame of this length: long enough that a
# click does not set it (a 1 ms click at full scale reads -20 dB), short enough for one chord.
REFERENCE_FRAME_S = 0.1
# IEC 61672 pole frequencies, Hz.
_A_POLES_HZ = (20.598997, 107.65265, 737.86223, 12194.217)


def rms_db(samples: np.ndarray) -> float:
    """RMS level of samples in dBFS (full-scale sine = 0 dBFS)."""
    if samples.size == 0:
        return float(to_db(np.zeros(1))[0])
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return float(to_db(np.array([rms / FULL_SCALE_SINE_RMS]))[0])


def a_weighting_gain(freq_hz: np.ndarray) -> np.ndarray:
    """Linear amplitude gain of the A curve at `freq_hz` (1.0 at 1 kHz)."""
    return _a_response(np.asarray(freq_hz, dtype=np.float64)) / _a_response(np.array(1000.0))


def _a_response(freq_hz: np.ndarray) -> np.ndarray:
    f2 = np.square(freq_hz)
    p1, p2, p3, p4 = (p * p for p in _A_POLES_HZ)
    return p4 * f2**2 / ((f2 + p1) * np.sqrt((f2 + p2) * (f2 + p3)) * (f2 + p4))


@lru_cache(maxsize=4)
def a_weighting_sos(sample_rate_hz: int) -> np.ndarray:
    """Second-order sections of the A-weighting filter at `sample_rate_hz`, 0 dB at 1 kHz."""
    poles = [-2 * np.pi * p for p in _A_POLES_HZ]
    analog_poles = [poles[0], poles[0], poles[1], poles[2], poles[3], poles[3]]
    zeros, poles_z, gain = bilinear_zpk([0.0] * 4, analog_poles, 1.0, sample_rate_hz)
    sos = zpk2sos(zeros, poles_z, gain)
    w = np.exp(-2j * np.pi * 1000.0 / sample_rate_hz)
    response = np.prod(
        [(s[0] + s[1] * w + s[2] * w**2) / (s[3] + s[4] * w + s[5] * w**2) for s in sos]
    )
    sos[0, :3] /= abs(response)
    return sos


@dataclass(frozen=True)
class LevelFrames:
    """Levels of consecutive frames of `frame_s` seconds."""

    frame_s: float
    rms_db: np.ndarray
    a_weighted_db: np.ndarray


class LevelMeter:
    """RMS and A-weighted level per frame, fed block by block; filter state spans blocks."""

    def __init__(self, sample_rate_hz: int, frame_s: float = 0.1) -> None:
        self._frame = max(1, round(frame_s * sample_rate_hz))
        self._frame_s = self._frame / sample_rate_hz
        self._sos = a_weighting_sos(sample_rate_hz)
        self._state = sosfilt_zi(self._sos) * 0.0
        self._pending = np.zeros(0, dtype=np.float64)
        self._pending_a = np.zeros(0, dtype=np.float64)

    def feed(self, samples: np.ndarray) -> LevelFrames:
        """Levels of every frame completed by `samples`."""
        weighted, self._state = sosfilt(self._sos, samples.astype(np.float64), zi=self._state)
        plain = np.concatenate([self._pending, samples.astype(np.float64)])
        weighted = np.concatenate([self._pending_a, weighted])
        count = plain.size // self._frame
        used = count * self._frame
        self._pending, self._pending_a = plain[used:], weighted[used:]
        return LevelFrames(
            frame_s=self._frame_s,
            rms_db=_frame_db(plain[:used], count),
            a_weighted_db=_frame_db(weighted[:used], count),
        )


def reference_level_db(frame_levels_db: np.ndarray) -> float:
    """A take's reference level, dBFS: the loudest of its `REFERENCE_FRAME_S` RMS frames
    (`LevelMeter` levels); `to_db(0)` (-200 dBFS) for a take without a whole frame or of
    digital silence. Scaling the take by a gain moves it by that gain exactly."""
    levels = np.asarray(frame_levels_db, dtype=np.float64)
    return float(levels.max()) if levels.size else DIGITAL_SILENCE_DB


def signal_reference_level_db(samples: np.ndarray, sample_rate_hz: int) -> float:
    """`reference_level_db` of a signal held in memory: the same frames as a `LevelMeter`'s,
    without its A-weighting filter (cheap enough for the live classifier's every window)."""
    samples = np.asarray(samples, dtype=np.float64)
    frame = max(1, round(REFERENCE_FRAME_S * sample_rate_hz))
    count = samples.size // frame
    return reference_level_db(_frame_db(samples[: count * frame], count))


def is_sounding(level_db: float, reference_db: float) -> bool:
    """Whether a stretch at `level_db` sounds in a take whose reference level is `reference_db`:
    within `SOUNDING_RANGE_DB` of it (the threshold moves with the take's gain), and not
    digital silence (`to_db`'s floor, which no gain a recording can have reaches)."""
    return level_db > max(reference_db - SOUNDING_RANGE_DB, DIGITAL_SILENCE_DB)


def dynamic_range_db(
    level_db: np.ndarray, *, sounding_range_db: float = SOUNDING_RANGE_DB
) -> float:
    """Loud minus soft: 95th minus 10th percentile of the sounding frame levels, in dB.

    Frames more than `sounding_range_db` below the take's loudest frame are silence. The floor
    follows the take's own level, not a fixed dBFS, so the figure does not change with the
    microphone's gain: a quieter recording of the same playing has the same dynamic range.
    Percentiles rather than max and min keep one slammed chord or a fading tail from setting
    the figure; 0.0 when fewer than two frames sound.
    """
    levels = np.asarray(level_db, dtype=np.float64)
    if levels.size < 2:
        return 0.0
    sounding = levels[levels > levels.max() - sounding_range_db]
    if sounding.size < 2:
        return 0.0
    return float(np.percentile(sounding, 95) - np.percentile(sounding, 10))


def _frame_db(samples: np.ndarray, count: int) -> np.ndarray:
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    mean_square = np.mean(samples.reshape(count, -1) ** 2, axis=1)
    return to_db(mean_square / FULL_SCALE_SINE_RMS**2, power=True)
