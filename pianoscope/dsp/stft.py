"""Short-time Fourier transform with magnitudes in dBFS, smoothing by response time, peak hold.

Normalisation: a full-scale sine (amplitude 1.0) centred on a bin reads 0 dBFS at its peak,
whatever the window or FFT size, so spectra of different settings can be compared directly:
magnitude = 2 |X[k]| / sum(w).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view

from pianoscope.dsp.windows import check_fft_size, coherent_gain, window

SILENCE_DB = -200.0


def frequencies_hz(fft_size: int, sample_rate_hz: float) -> np.ndarray:
    """Centre frequency of each rfft bin, Hz."""
    return np.fft.rfftfreq(fft_size, 1.0 / sample_rate_hz)


def frame_signal(samples: np.ndarray, fft_size: int, hop: int) -> np.ndarray:
    """Frames starting at 0, hop, 2 hop, ... (only complete ones), as a read-only view."""
    if hop < 1:
        raise ValueError(f"hop must be at least 1 sample, not {hop}")
    samples = np.asarray(samples, dtype=np.float32)
    if samples.size < fft_size:
        return np.zeros((0, fft_size), dtype=np.float32)
    return sliding_window_view(samples, fft_size)[::hop]


def spectrum(frames: np.ndarray, window_name: str = "hann") -> np.ndarray:
    """Complex rfft of windowed frames (last axis), scaled so a full-scale sine has |X| = 1."""
    fft_size = frames.shape[-1]
    check_fft_size(fft_size)
    scale = np.float32(2.0 / coherent_gain(window_name, fft_size))
    windowed = frames * (window(window_name, fft_size) * scale)
    return scipy.fft.rfft(windowed, axis=-1, workers=-1)


def magnitude(frames: np.ndarray, window_name: str = "hann") -> np.ndarray:
    """Linear magnitude spectrum of frames (full-scale sine peak = 1.0), float32."""
    return np.abs(spectrum(frames, window_name)).astype(np.float32, copy=False)


def to_db(values: np.ndarray, *, power: bool = False) -> np.ndarray:
    """Linear magnitude (or power) to dB, floored at SILENCE_DB instead of -inf."""
    floor = 10.0 ** (SILENCE_DB / (10.0 if power else 20.0))
    factor = 10.0 if power else 20.0
    return (factor * np.log10(np.maximum(values, floor))).astype(np.float32, copy=False)


def stft_db(
    samples: np.ndarray, *, fft_size: int = 8192, hop: int = 1024, window_name: str = "hann"
) -> np.ndarray:
    """Magnitude spectrogram in dBFS, shape (frames, fft_size // 2 + 1), frames from sample 0."""
    return to_db(magnitude(frame_signal(samples, fft_size, hop), window_name))


def smoothing_coefficient(response_time_s: float, hop_s: float) -> float:
    """Weight of a new frame in exponential smoothing with time constant `response_time_s`.

    Chosen so that after a step the smoothed power reaches 1 - 1/e of the step in
    `response_time_s` whatever the hop ("fast" 0.125 s, "slow" 1 s as on sound level meters).
    """
    if response_time_s <= 0.0:
        return 1.0
    return 1.0 - math.exp(-hop_s / response_time_s)


def smooth_power(previous: np.ndarray | None, new: np.ndarray, coefficient: float) -> np.ndarray:
    """One step of exponential smoothing of power spectra (linear power, not dB)."""
    if previous is None:
        return np.array(new, dtype=np.float32)
    return previous + np.float32(coefficient) * (new - previous)


def peak_hold(
    held_db: np.ndarray | None, new_db: np.ndarray, *, decay_db_per_s: float, hop_s: float
) -> np.ndarray:
    """One step of peak hold: the held curve falls at `decay_db_per_s` unless topped up."""
    if held_db is None:
        return np.array(new_db, dtype=np.float32)
    return np.maximum(new_db, held_db - np.float32(decay_db_per_s * hop_s))
