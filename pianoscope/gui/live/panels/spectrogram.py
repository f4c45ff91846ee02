"""Scrolling spectrogram of the last seconds on a log (note-labelled) or linear frequency axis.

The panel colours the image itself (levels to 256 colours of the map, then RGBA): Qt draws an
RGBA image scaled to the plot about ten times faster than the palette image pyqtgraph makes
from levels and a colour map (0.3 against 3 ms for 430 x 384 drawn at 1400 x 280, measured).
It colours only the columns that arrived since it last drew, into a ring of its own: colouring
the whole image on every frame cost the GUI thread about 1 ms (bench/bench_live_panels.py).
"""

from __future__ import annotations

import numpy as np

from pianoscope.app.live.spectrogram_buffer import SpectrogramBuffer
from pianoscope.gui.live.live_plot import cache_axes
from pianoscope.gui.note_axis import NoteAxis
from pianoscope.gui.qt import QtCore, pg


class SpectrogramPanel(pg.PlotWidget):
    def __init__(
        self,
        *,
        log_scale: bool = True,
        db_range: tuple[float, float] = (-100.0, -10.0),
        colour_map: str = "inferno",
    ) -> None:
        super().__init__(axisItems={"left": NoteAxis("left", show_hz=True)} if log_scale else None)
        self.log_scale = log_scale
        self.setLabel("bottom", "time", units="s")
        self.image_item = pg.ImageItem()
        self.addItem(self.image_item)
        colours = pg.colormap.get(colour_map).getLookupTable(nPts=256, alpha=True)
        self._colours = np.ascontiguousarray(colours, np.uint8).view(np.uint32)[:, 0]
        """One RGBA colour per level, as one 32-bit number each: a lookup per pixel."""
        self.db_range = db_range
        self._buffer: SpectrogramBuffer | None = None
        self._levels_db = np.zeros((0, 0), np.float32)
        """The dB columns drawn (rows = frequency), a ring like `_rgba`."""
        self._rgba = np.zeros((0, 0), np.uint32)
        self._next = 0
        self._drawn_count = -1
        cache_axes(self)

    @property
    def levels_db(self) -> np.ndarray | None:
        """The dB image last drawn (rows = frequency, oldest column first), for tests and the
        crosshair."""
        if self._buffer is None:
            return None
        return np.roll(self._levels_db, -self._next, axis=1)

    def show_spectrogram(self, buffer: SpectrogramBuffer) -> None:
        """Redraw if new columns arrived since the last call (colouring only those)."""
        started = buffer is not self._buffer  # the first, or new settings
        if started:
            self._start(buffer)
        elif buffer.count != self._drawn_count:
            columns, self._drawn_count = buffer.newest(buffer.count - self._drawn_count)
            at = (self._next + np.arange(len(columns))) % buffer.columns
            self._levels_db[:, at] = columns.T
            self._rgba[:, at] = self._colours_of(columns.T)
            self._next = (self._next + len(columns)) % buffer.columns
        else:
            return
        rgba = np.roll(self._rgba, -self._next, axis=1)
        self.image_item.setImage(rgba.view(np.uint8).reshape(*rgba.shape, 4), autoLevels=False)
        if started:  # the rectangle scales the image it holds: placed before, it was 1 x 1
            self._place(buffer)

    def _start(self, buffer: SpectrogramBuffer) -> None:
        """Take a buffer's whole image (coloured once)."""
        self._buffer, self._next = buffer, 0
        columns, self._drawn_count = buffer.newest(buffer.columns)
        self._levels_db = np.ascontiguousarray(columns.T)
        self._rgba = self._colours_of(self._levels_db)

    def _colours_of(self, levels_db: np.ndarray) -> np.ndarray:
        low, high = self.db_range
        levels = np.clip((levels_db - low) * (255.0 / (high - low)), 0.0, 255.0)
        return self._colours[levels.astype(np.uint8)]

    def _place(self, buffer: SpectrogramBuffer) -> None:
        """The image's rectangle: the last seconds up to now, the buffer's frequency rows.
        Only once the image is set: pyqtgraph scales the image it holds onto the rectangle."""
        edges = buffer.rows_hz
        low, high = (
            (np.log10(edges[0]), np.log10(edges[-1])) if self.log_scale else (edges[0], edges[-1])
        )
        duration_s = buffer.columns * buffer.column_s
        self.image_item.setRect(QtCore.QRectF(-duration_s, low, duration_s, high - low))
