"""A scrolling spectrogram: the newest columns of live spectra on a display frequency axis.

Rows are spaced logarithmically or linearly between the settings' frequency limits; each row is
the loudest FFT bin within it (so narrow partials are never lost between rows), or the
interpolated level where rows are narrower than a bin.
"""

from __future__ import annotations

import threading

import numpy as np

from pianoscope.app.live.settings import LiveSettings
from pianoscope.dsp.stft import SILENCE_DB, frequencies_hz


class SpectrogramBuffer:
    """Fixed-length circular image of dB columns; `image()` returns it oldest-first."""

    def __init__(self, settings: LiveSettings, sample_rate_hz: int) -> None:
        self.rows_hz = _row_edges_hz(settings)
        bins_hz = frequencies_hz(settings.fft_size, sample_rate_hz)
        edges = np.searchsorted(bins_hz, self.rows_hz)
        self._edges = edges
        self._wide = edges[1:] > edges[:-1]
        self._centres_hz = np.sqrt(self.rows_hz[:-1] * self.rows_hz[1:])
        self._bins_hz = bins_hz
        hop_s = settings.hop_frames / sample_rate_hz
        self.column_s = hop_s
        self.columns = max(1, round(settings.spectrogram_s / hop_s))
        self._image = np.full((self.columns, edges.size - 1), SILENCE_DB, np.float32)
        self._next = 0
        self._count = 0
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        """Columns appended so far (the GUI redraws when it changes)."""
        return self._count

    def append(self, spectrum_db: np.ndarray) -> None:
        self.append_column(self.column(spectrum_db))

    def column(self, spectrum_db: np.ndarray) -> np.ndarray:
        """The image column (one level per row) of one spectrum."""
        edges = np.minimum(self._edges, spectrum_db.size - 1)
        column = np.maximum.reduceat(spectrum_db, edges)[:-1]
        narrow = np.interp(self._centres_hz, self._bins_hz, spectrum_db)
        return np.where(self._wide, column, narrow).astype(np.float32)

    def append_column(self, column: np.ndarray) -> None:
        """Add a column made by `column()`, here or in the analysis process."""
        with self._lock:
            self._image[self._next] = column
            self._next = (self._next + 1) % self.columns
            self._count += 1

    def newest(self, count: int) -> tuple[np.ndarray, int]:
        """A copy of the newest `count` columns (at most the whole image), oldest first, and
        how many columns had been appended when they were taken (where a drawer goes on from)."""
        with self._lock:
            count = min(count, self.columns)
            rows = (self._next - count + np.arange(count)) % self.columns
            return self._image[rows], self._count

    def image(self) -> np.ndarray:
        """A copy, shape (columns, rows), oldest column first."""
        with self._lock:
            return np.roll(self._image, -self._next, axis=0)


def _row_edges_hz(settings: LiveSettings) -> np.ndarray:
    count = settings.spectrogram_rows + 1
    if settings.frequency_scale == "log":
        return np.geomspace(settings.min_freq_hz, settings.max_freq_hz, count)
    return np.linspace(settings.min_freq_hz, settings.max_freq_hz, count)
