"""Scrolling spectrogram of the last seconds on a log (note-labelled) or linear frequency axis."""

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
        self.image_item.setColorMap(pg.colormap.get(colour_map))
        self.image_item.setLevels(db_range)
        self.db_range = db_range
        self._drawn_count = -1
        cache_axes(self)

    def show_spectrogram(self, buffer: SpectrogramBuffer) -> None:
        """Redraw if new columns arrived since the last call."""
        if buffer.count == self._drawn_count:
            return
        self._drawn_count = buffer.count
        image = buffer.image().T  # rows = frequency, columns = time
        self.image_item.setImage(image, autoLevels=False, levels=self.db_range)
        edges = buffer.rows_hz
        low, high = (
            (np.log10(edges[0]), np.log10(edges[-1])) if self.log_scale else (edges[0], edges[-1])
        )
        duration_s = buffer.columns * buffer.column_s
        self.image_item.setRect(QtCore.QRectF(-duration_s, low, duration_s, high - low))
