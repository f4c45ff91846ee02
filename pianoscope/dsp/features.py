"""The log-mel features shared by training and live inference (numpy/scipy only).

Raw 44.1 kHz audio is reduced to a log-mel spectrogram before the network sees it. One function,
`log_mel`, computes it for training, evaluation and the live classifier, so the three can never
disagree.

Level is kept, not normalised away: a full-scale sine at a band's centre gives that band about
-3 dB (its mean square, 0.5) and every halving of the amplitude lowers the features by 6 dB. The
classifier needs that absolute level as its second intensity cue (level relative to a per-input
calibration); it derives its gain-invariant timbre input itself by subtracting the window's
level (see `pianoscope.model.network`).

Framing is "valid": frame k covers samples [k·hop, k·hop + n_fft), nothing is padded, so a frame
computed live from the newest samples equals the same frame computed offline from the whole file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.fft
import scipy.sparse
from scipy.signal import get_window

SAMPLE_RATE_HZ = 44_100
N_FFT = 2048
HOP_LENGTH = 512
N_MELS = 64
FMIN_HZ = 30.0
FMAX_HZ = 16_000.0
FLOOR_DB = -100.0
FRAMES_PER_S = SAMPLE_RATE_HZ / HOP_LENGTH


@dataclass(frozen=True)
class FeatureConfig:
    """Parameters of the log-mel features; the defaults are the contract of the shipped model."""

    sample_rate_hz: int = SAMPLE_RATE_HZ
    n_fft: int = N_FFT
    hop_length: int = HOP_LENGTH
    n_mels: int = N_MELS
    fmin_hz: float = FMIN_HZ
    fmax_hz: float = FMAX_HZ
    floor_db: float = FLOOR_DB


DEFAULT_CONFIG = FeatureConfig()


def frame_count(n_samples: int, config: FeatureConfig = DEFAULT_CONFIG) -> int:
    """Number of whole frames `log_mel` returns for `n_samples` samples (0 if too short)."""
    if n_samples < config.n_fft:
        return 0
    return 1 + (n_samples - config.n_fft) // config.hop_length


def samples_for_frames(n_frames: int, config: FeatureConfig = DEFAULT_CONFIG) -> int:
    """Fewest samples that give `n_frames` whole frames."""
    return config.n_fft + (n_frames - 1) * config.hop_length


def log_mel(samples: np.ndarray, config: FeatureConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Log-mel spectrogram in dB, shape (frames, n_mels), float32.

    Parameters
    ----------
    samples : 1-D float array at `config.sample_rate_hz`, full scale ±1.
    config : feature parameters (n_fft 2048, hop 512 → 86.1 frames/s, 64 Slaney mel bands from
        30 Hz to 16 kHz).

    Computed in float32 (about 1.5 ms for 2 s on one core). Each frame is Hann-windowed, its power
    spectrum is scaled so that a full-scale sine sums to its mean square (0.5), summed into the mel
    bands (triangles of peak 1 on Slaney's mel scale) and converted with 10·log10, floored at
    `config.floor_db`. The values so depend on the signal's level only, not on n_fft or on the
    band's width. Frames are not padded (see the
    module docstring); audio shorter than one frame gives an array of shape (0, n_mels).
    """
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"log_mel expects mono samples, got shape {samples.shape}")
    n_frames = frame_count(samples.size, config)
    if n_frames == 0:
        return np.zeros((0, config.n_mels), dtype=np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(samples, config.n_fft)[:: config.hop_length]
    spectrum = scipy.fft.rfft(frames[:n_frames] * _hann(config.n_fft), axis=1, workers=1)
    power = spectrum.real**2 + spectrum.imag**2
    mel_power = (_sparse_filterbank(config) @ power.T).T * np.float32(_power_scale(config.n_fft))
    floor_power = np.float32(10.0 ** (config.floor_db / 10.0))
    return np.float32(10.0) * np.log10(np.maximum(mel_power, floor_power))


def mel_filterbank(config: FeatureConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Mel filters, shape (n_mels, n_fft // 2 + 1): `librosa.filters.mel(..., norm=None)`.

    Slaney's mel scale (librosa's default, htk=False) with triangles of peak 1 rather than unit
    area, so a pure tone at a band's centre keeps its level in that band.
    """
    return _mel_filterbank(
        config.sample_rate_hz, config.n_fft, config.n_mels, config.fmin_hz, config.fmax_hz
    )


def mel_band_centers_hz(config: FeatureConfig = DEFAULT_CONFIG) -> np.ndarray:
    """Centre frequency of each mel band in Hz."""
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(config.fmin_hz), _hz_to_mel(config.fmax_hz), config.n_mels + 2)
    )
    return edges[1:-1]


@lru_cache(maxsize=4)
def _hann(n_fft: int) -> np.ndarray:
    return get_window("hann", n_fft, fftbins=True).astype(np.float32)


@lru_cache(maxsize=4)
def _sparse_filterbank(config: FeatureConfig) -> scipy.sparse.csr_matrix:
    """The filterbank as a float32 sparse matrix: each band touches few bins, and scipy's sparse
    product runs on the calling thread, where a dense BLAS product may spread over threads and
    stall for tens of milliseconds on a busy machine."""
    return scipy.sparse.csr_matrix(mel_filterbank(config).astype(np.float32))


@lru_cache(maxsize=4)
def _power_scale(n_fft: int) -> float:
    """Scale |rfft|² so that a full-scale sine's one-sided bins sum to its mean square, 0.5.

    By Parseval a sine of amplitude A puts n_fft·A²·Σw²/4 into the one-sided |X|² bins.
    """
    window = _hann(n_fft).astype(np.float64)
    return 2.0 / (n_fft * float(np.sum(window**2)))


@lru_cache(maxsize=4)
def _mel_filterbank(
    sample_rate_hz: int, n_fft: int, n_mels: int, fmin_hz: float, fmax_hz: float
) -> np.ndarray:
    fft_freqs_hz = np.fft.rfftfreq(n_fft, d=1.0 / sample_rate_hz)
    edges_hz = _mel_to_hz(np.linspace(_hz_to_mel(fmin_hz), _hz_to_mel(fmax_hz), n_mels + 2))
    widths_hz = np.diff(edges_hz)
    ramps = edges_hz[:, None] - fft_freqs_hz[None, :]
    lower = -ramps[:-2] / widths_hz[:-1, None]
    upper = ramps[2:] / widths_hz[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights.setflags(write=False)
    return weights


# Slaney's mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
_F_SP_HZ = 200.0 / 3.0
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP_HZ
_LOG_STEP = np.log(6.4) / 27.0


def _hz_to_mel(freq_hz: np.ndarray | float) -> np.ndarray:
    freq_hz = np.asarray(freq_hz, dtype=np.float64)
    linear = freq_hz / _F_SP_HZ
    logarithmic = _MIN_LOG_MEL + np.log(np.maximum(freq_hz, _MIN_LOG_HZ) / _MIN_LOG_HZ) / _LOG_STEP
    return np.where(freq_hz >= _MIN_LOG_HZ, logarithmic, linear)


def _mel_to_hz(mel: np.ndarray | float) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    linear = mel * _F_SP_HZ
    logarithmic = _MIN_LOG_HZ * np.exp(_LOG_STEP * (np.maximum(mel, _MIN_LOG_MEL) - _MIN_LOG_MEL))
    return np.where(mel >= _MIN_LOG_MEL, logarithmic, linear)
