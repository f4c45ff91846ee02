"""The note model's input: a log-frequency spectrogram, 3 bands per semitone, 50 frames a second.

A piano note is a comb of partials whose spacing, on a log-frequency axis, is the same for every
key; with bands a third of a semitone wide the network can look for that comb with the same
weights at every pitch (see `pianoscope.transcription.network`). Frames are 4096 samples (93 ms
at 44.1 kHz, long enough to part neighbouring bass keys through their upper partials) every
20 ms, centred on multiples of the hop from sample 0, so the spectrogram of a stream fed block
by block equals the whole signal's.

Frames of 4096 samples do not part the bass's fundamentals (10.8 Hz bins; a semitone is 3.9 Hz
at C2), so the features also hold a second spectrogram of frames of LONG_FFT_SIZE = 16384
samples (2.7 Hz bins, 372 ms) over the LONG_BAND_COUNT lowest bands (MIDI 20.67 ... 84.3), on the
same hop and the same frame centres: columns 0 ... BAND_COUNT - 1 are the short frames, the
rest the long ones (FEATURE_COUNT in all).

Levels are in dB and are made relative only when the whole spectrogram is known
(`normalise_db`): the loudest band of the recording is 0 dB and everything more than
FLOOR_DB below it is raised to FLOOR_DB. The floor hides what no microphone would record: a
rendering's digital silence (-200 dB) followed by an attack made every key "rise" at once and
the network report a dozen ghost notes on each strike; with the floor at 60 dB below the
loudest band, as in a quiet room, the validation F1 of an early model went from 0.64 to 0.69.
The long frames are taken relative to the same band (a full-scale sine reads about 0 dB in
both), not to their own loudest: in a treble piece that would be the hum.
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
LONG_FFT_SIZE = 16_384
LONG_BAND_COUNT = BANDS_PER_SEMITONE * 64
FEATURE_COUNT = BAND_COUNT + LONG_BAND_COUNT
FLOOR_DB = 60.0
SCALE_DB = 90.0
# A recording whose loudest band is below this is silence (a 16-bit file's quantisation noise
# is far above it), and levels are taken relative to this floor instead of to its own maximum.
SILENT_REFERENCE_DB = -150.0
_TINY = 1e-20


@lru_cache(maxsize=4)
def band_matrix(
    fft_size: int = FFT_SIZE, sample_rate_hz: int = SAMPLE_RATE_HZ, band_count: int = BAND_COUNT
) -> np.ndarray:
    """Triangular filters (rfft bins up to the highest band's, band_count) centred on
    MIDI 21 + b/3, float32.

    Each band sums the power of the bins within a third of a semitone of its centre, weighted
    by a triangle; a band narrower than a bin (below ~300 Hz at 4096 points) takes the
    interpolated power of the two bins around its centre instead, so no band is empty. Bins
    above the highest band are left out: they weigh nothing.
    """
    bin_hz = sample_rate_hz / fft_size
    midi = LOWEST_MIDI + np.arange(band_count) / BANDS_PER_SEMITONE
    centre_bin = 440.0 * 2.0 ** ((midi - 69.0) / 12.0) / bin_hz
    step = 2.0 ** (1.0 / (12.0 * BANDS_PER_SEMITONE))
    half_width_bins = np.maximum(centre_bin * (step - 1.0), 1.0)
    bins = np.arange(min(fft_size // 2 + 1, int(centre_bin[-1] + half_width_bins[-1]) + 2))
    distance = np.abs(bins[:, None] - centre_bin[None, :]) / half_width_bins[None, :]
    weights = np.maximum(1.0 - distance, 0.0)
    return (weights / weights.sum(axis=0, keepdims=True)).astype(np.float32)


@lru_cache(maxsize=4)
def _window(fft_size: int) -> np.ndarray:
    return (np.hanning(fft_size + 1)[:-1] * 2.0 / (fft_size / 2.0)).astype(np.float32)


def band_levels_db(
    frames: np.ndarray, band_count: int = BAND_COUNT, *, workers: int = 1
) -> np.ndarray:
    """Band levels (dB, absolute) of frames of any FFT size, shape (frames, band_count), the
    FFTs on `workers` threads.

    A full-scale sine at a band's centre reads about 0 dB.
    """
    if frames.shape[0] == 0:
        return np.zeros((0, band_count), dtype=np.float32)
    matrix = band_matrix(frames.shape[1], SAMPLE_RATE_HZ, band_count)
    windowed = frames * _window(frames.shape[1])
    spectrum = scipy.fft.rfft(windowed, axis=1, workers=workers)[:, : matrix.shape[0]]
    power = spectrum.real**2 + spectrum.imag**2
    bands = power.astype(np.float32) @ matrix
    return (10.0 * np.log10(bands + _TINY)).astype(np.float32)


def normalise_db(levels_db: np.ndarray, loudest_db: float = SILENT_REFERENCE_DB) -> np.ndarray:
    """Features (frames, FEATURE_COUNT) relative to the loudest band of the whole short-frame
    spectrogram, floored at -FLOOR_DB and divided by SCALE_DB, float32: the model's input,
    independent of the input's scale (down to SILENT_REFERENCE_DB). `loudest_db`, the loudest
    band of what came before (a live stream's earlier windows), counts as part of it."""
    if levels_db.size == 0:
        return levels_db.astype(np.float32)
    reference_db = max(loudest_band_db(levels_db), loudest_db)
    relative = np.maximum(levels_db.astype(np.float32) - reference_db, -FLOOR_DB)
    return relative / np.float32(SCALE_DB)


def loudest_band_db(levels_db: np.ndarray) -> float:
    """The loudest short-frame band of absolute features (dB), SILENT_REFERENCE_DB at least."""
    if levels_db.size == 0:
        return SILENT_REFERENCE_DB
    return max(float(levels_db[:, :BAND_COUNT].max()), SILENT_REFERENCE_DB)


def spectrogram(samples: np.ndarray) -> np.ndarray:
    """Absolute features (dB, frames, FEATURE_COUNT) of a whole 44.1 kHz signal, frames centred
    on k · HOP: the short frames' bands, then the long frames'."""
    return np.concatenate(
        [_levels(samples, FFT_SIZE, BAND_COUNT), _levels(samples, LONG_FFT_SIZE, LONG_BAND_COUNT)],
        axis=1,
    )


def _levels(samples: np.ndarray, fft_size: int, band_count: int) -> np.ndarray:
    samples = np.asarray(samples, dtype=np.float32)
    count = samples.size // HOP + 1
    padded = np.zeros((count - 1) * HOP + fft_size, dtype=np.float32)
    padded[fft_size // 2 : fft_size // 2 + samples.size] = samples
    frames = np.lib.stride_tricks.sliding_window_view(padded, fft_size)[::HOP][:count]
    return np.concatenate(
        [band_levels_db(frames[start : start + 512], band_count) for start in range(0, count, 512)]
    )
