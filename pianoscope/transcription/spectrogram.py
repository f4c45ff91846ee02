"""The note model's input: a log-frequency spectrogram, 3 bands per semitone, 50 frames a second.

A piano note is a comb of partials whose spacing, on a log-frequency axis, is the same for every
key; with bands a third of a semitone wide the network can look for that comb with the same
weights at every pitch (see `pianoscope.transcription.network`). Frames are 4096 samples (93 ms
at 44.1 kHz, long enough to part neighbouring bass keys through their upper partials) every
20 ms, centred on multiples of the hop from sample 0, so the spectrogram of a stream fed block
by block equals the whole signal's.

Levels are in dB and are made relative only when the whole spectrogram is known
(`normalise_db`): the loudest band of the recording is 0 dB and everything more than
FLOOR_DB below it is raised to FLOOR_DB. The floor hides what no microphone would record: a
rendering's digital silence (-200 dB) followed by an attack made every key "rise" at once and
the network report a dozen ghost notes on each strike; with the floor at 60 dB below the
loudest band, as in a quiet room, the validation F1 of an early model went from 0.64 to 0.69.
Scaling the input by any factor therefore leaves the model's input unchanged, while the level
of one note relative to the others (the velocity cue) is kept.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import scipy.fft

SAMPLE_RATE_HZ = 44_100
FFT_SIZE = 4096
HOP = 882
FRAME_RATE_HZ = SAMPLE_RATE_HZ / HOP
BANDS_PER_SEMITONE = 3
LOWEST_MIDI = 21
KEY_COUNT = 88
# 88 keys plus the octave and a half above the top key, where the upper partials of the treble
# still carry pitch information (MIDI 20.67 ... 119.3, 26.9 Hz ... 8.5 kHz).
BAND_COUNT = BANDS_PER_SEMITONE * (KEY_COUNT + 11)
FLOOR_DB = 60.0
SCALE_DB = 90.0
# A recording whose loudest band is below this is silence (a 16-bit file's quantisation noise
# is far above it), and levels are taken relative to this floor instead of to its own maximum.
SILENT_REFERENCE_DB = -150.0
_TINY = 1e-20


@lru_cache(maxsize=4)
def band_matrix(fft_size: int = FFT_SIZE, sample_rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """Triangular filters (rfft bins, BAND_COUNT) centred on MIDI 21 + b/3, float32.

    Each band sums the power of the bins within a third of a semitone of its centre, weighted
    by a triangle; a band narrower than a bin (below ~300 Hz) takes the interpolated power of
    the two bins around its centre instead, so no band is empty.
    """
    bin_hz = sample_rate_hz / fft_size
    bins = np.arange(fft_size // 2 + 1)
    midi = LOWEST_MIDI + np.arange(BAND_COUNT) / BANDS_PER_SEMITONE
    centre_bin = 440.0 * 2.0 ** ((midi - 69.0) / 12.0) / bin_hz
    step = 2.0 ** (1.0 / (12.0 * BANDS_PER_SEMITONE))
    half_width_bins = np.maximum(centre_bin * (step - 1.0), 1.0)
    distance = np.abs(bins[:, None] - centre_bin[None, :]) / half_width_bins[None, :]
    weights = np.maximum(1.0 - distance, 0.0)
    return (weights / weights.sum(axis=0, keepdims=True)).astype(np.float32)


@lru_cache(maxsize=4)
def _window(fft_size: int) -> np.ndarray:
    return (np.hanning(fft_size + 1)[:-1] * 2.0 / (fft_size / 2.0)).astype(np.float32)


def band_levels_db(frames: np.ndarray) -> np.ndarray:
    """Band levels (dB, absolute) of frames of FFT_SIZE samples, shape (frames, BAND_COUNT).

    A full-scale sine at a band's centre reads about 0 dB.
    """
    if frames.shape[0] == 0:
        return np.zeros((0, BAND_COUNT), dtype=np.float32)
    spectrum = scipy.fft.rfft(frames * _window(frames.shape[1]), axis=1)
    power = spectrum.real**2 + spectrum.imag**2
    bands = power.astype(np.float32) @ band_matrix(frames.shape[1])
    return (10.0 * np.log10(bands + _TINY)).astype(np.float32)


def normalise_db(levels_db: np.ndarray) -> np.ndarray:
    """Levels relative to the loudest band of the whole spectrogram, floored at -FLOOR_DB and
    divided by SCALE_DB, float32: the model's input, independent of the input's scale (down to
    SILENT_REFERENCE_DB)."""
    if levels_db.size == 0:
        return levels_db.astype(np.float32)
    reference_db = max(float(levels_db.max()), SILENT_REFERENCE_DB)
    relative = np.maximum(levels_db.astype(np.float32) - reference_db, -FLOOR_DB)
    return relative / np.float32(SCALE_DB)


def spectrogram(samples: np.ndarray) -> np.ndarray:
    """Absolute band levels (dB) of a whole 44.1 kHz signal, frames centred on k · HOP."""
    samples = np.asarray(samples, dtype=np.float32)
    count = samples.size // HOP + 1
    padded = np.zeros((count - 1) * HOP + FFT_SIZE, dtype=np.float32)
    padded[FFT_SIZE // 2 : FFT_SIZE // 2 + samples.size] = samples
    frames = np.lib.stride_tricks.sliding_window_view(padded, FFT_SIZE)[::HOP][:count]
    return np.concatenate(
        [band_levels_db(frames[start : start + 2048]) for start in range(0, count, 2048)]
    )
