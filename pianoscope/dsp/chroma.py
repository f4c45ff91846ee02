"""Chroma: how much of each of the 12 pitch classes sounds in each frame.

Two performances of the same music have nearly the same chroma sequence whatever their tempo,
piano or loudness, which is what aligning a student's take with a reference needs. Computed from
the STFT power with each bin assigned to its nearest equal-tempered pitch class (A4 = 440 Hz),
log-compressed so that soft notes count, and normalised to unit length per frame.
"""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.stft import frame_signal, frequencies_hz, magnitude

CHROMA_FFT_SIZE = 4096
CHROMA_HOP = 1024
FMIN_HZ = 50.0
FMAX_HZ = 5000.0
COMPRESSION = 100.0
_FRAMES_PER_CHUNK = 256


def chroma(
    samples: np.ndarray,
    sample_rate_hz: int,
    *,
    fft_size: int = CHROMA_FFT_SIZE,
    hop: int = CHROMA_HOP,
) -> np.ndarray:
    """Chroma frames, shape (frames, 12), rows of unit length (C = 0, ..., B = 11).

    Frame k covers samples [k * hop, k * hop + fft_size). Frames without any energy get the
    uniform vector, so silence is equally (un)like every chord. Memory stays bounded: the STFT
    is taken a few hundred frames at a time.
    """
    weights = _pitch_class_weights(fft_size, sample_rate_hz)
    frames = frame_signal(samples, fft_size, hop)
    result = np.empty((frames.shape[0], 12), dtype=np.float32)
    for start in range(0, frames.shape[0], _FRAMES_PER_CHUNK):
        power = magnitude(frames[start : start + _FRAMES_PER_CHUNK]) ** 2
        result[start : start + _FRAMES_PER_CHUNK] = power @ weights
    result = np.log1p(COMPRESSION * result / max(float(result.max(initial=0.0)), 1e-12))
    norms = np.linalg.norm(result, axis=1, keepdims=True)
    uniform = np.full(12, 1.0 / np.sqrt(12.0), dtype=np.float32)
    return np.where(norms > 1e-6, result / np.maximum(norms, 1e-12), uniform).astype(np.float32)


def frame_times_s(n_frames: int, sample_rate_hz: int, hop: int = CHROMA_HOP) -> np.ndarray:
    """Start time of each chroma frame, seconds."""
    return np.arange(n_frames) * (hop / sample_rate_hz)


def _pitch_class_weights(fft_size: int, sample_rate_hz: int) -> np.ndarray:
    """(bins, 12) matrix summing the power of each bin into its pitch class."""
    freqs_hz = frequencies_hz(fft_size, sample_rate_hz)
    weights = np.zeros((freqs_hz.size, 12), dtype=np.float32)
    audible = (freqs_hz >= FMIN_HZ) & (freqs_hz <= min(FMAX_HZ, sample_rate_hz / 2))
    midi = 69.0 + 12.0 * np.log2(freqs_hz[audible] / 440.0)
    weights[np.flatnonzero(audible), np.round(midi).astype(int) % 12] = 1.0
    return weights
