"""Spectra of a recording at any moment: one analysed window, or a spectrogram of a region.

Both read only the audio they need (`audio.region`), so a click at minute 50 of a long take
costs the same as one at the start. The window at a moment is returned as a `LiveFrame` so the
live window's spectrum, note and partials panels draw it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pianoscope.app.live.frame_analysis import SCOPE_S, LiveFrame, build_live_frame
from pianoscope.audio.region import read_frames, read_windows
from pianoscope.dsp.frame import analyse_frame
from pianoscope.dsp.stft import frequencies_hz, spectrum, to_db

CONTIGUOUS_READ_S = 60.0
MIN_FREQ_HZ = 27.5
MAX_FREQ_HZ = 10_000.0


@dataclass(frozen=True)
class SpectrogramRequest:
    start_s: float
    end_s: float
    fft_size: int
    columns: int
    rows: int
    log_frequency: bool


@dataclass(frozen=True)
class SpectrogramImage:
    """dB image, shape (rows, columns), rows between `rows_hz` edges, columns over the span."""

    request: SpectrogramRequest
    rows_hz: np.ndarray
    image_db: np.ndarray


def frame_at(path: str | Path, sample_rate_hz: int, time_s: float, fft_size: int) -> LiveFrame:
    """The `fft_size` samples starting at `time_s`, analysed like `pianoscope spectrum`."""
    start = round(time_s * sample_rate_hz)
    samples = read_frames(path, start, fft_size)
    analysis = analyse_frame(samples, sample_rate_hz)
    scope = samples[: round(SCOPE_S * sample_rate_hz)]
    return build_live_frame(
        analysis,
        end_index=start + fft_size,
        time_s=time_s,
        sample_rate_hz=sample_rate_hz,
        scope=scope,
        newest=scope,
    )


def samples_between(
    path: str | Path, sample_rate_hz: int, start_s: float, end_s: float
) -> np.ndarray:
    """The samples from `start_s` to `end_s` (both included), for drawing a zoomed waveform."""
    start = round(start_s * sample_rate_hz)
    return read_frames(path, start, round((end_s - start_s) * sample_rate_hz) + 1)


def spectrogram_region(
    path: str | Path, sample_rate_hz: int, request: SpectrogramRequest
) -> SpectrogramImage:
    """One column per display column: contiguous reading for short spans, a seek per column
    for long ones (then columns are samples of the span, not averages of it)."""
    fft = request.fft_size
    columns = max(1, request.columns)
    starts_s = np.linspace(request.start_s, request.end_s, columns, endpoint=False)
    starts = np.round(starts_s * sample_rate_hz).astype(np.int64) - fft // 2
    if request.end_s - request.start_s <= CONTIGUOUS_READ_S:
        first = int(starts[0])
        region = read_frames(path, first, int(starts[-1]) - first + fft)
        frames = np.stack([region[s - first : s - first + fft] for s in starts])
    else:
        frames = read_windows(path, starts, fft)
    spectra_db = to_db(np.abs(spectrum(frames)))
    rows_hz = _row_edges_hz(request, sample_rate_hz)
    image = _to_rows(spectra_db, frequencies_hz(fft, sample_rate_hz), rows_hz)
    return SpectrogramImage(request, rows_hz, image.T.copy())


def _row_edges_hz(request: SpectrogramRequest, sample_rate_hz: int) -> np.ndarray:
    high = min(MAX_FREQ_HZ, sample_rate_hz / 2)
    if request.log_frequency:
        return np.geomspace(MIN_FREQ_HZ, high, request.rows + 1)
    return np.linspace(0.0, high, request.rows + 1)


def _to_rows(spectra_db: np.ndarray, bins_hz: np.ndarray, rows_hz: np.ndarray) -> np.ndarray:
    """Each row the loudest bin inside it, or the interpolated level where a row is narrower
    than a bin (the same rule as the live spectrogram)."""
    edges = np.minimum(np.searchsorted(bins_hz, rows_hz), bins_hz.size - 1)
    wide = edges[1:] > edges[:-1]
    loudest = np.maximum.reduceat(spectra_db, edges, axis=1)[:, :-1]
    centres_hz = np.sqrt(np.maximum(rows_hz[:-1], 1e-3) * rows_hz[1:])
    narrow = np.stack([np.interp(centres_hz, bins_hz, column) for column in spectra_db])
    return np.where(wide, loudest, narrow).astype(np.float32)
