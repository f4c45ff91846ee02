"""Spectrogram of the visible span, computed on a worker thread for each new view.

Settings (FFT size, colour map, dB range, log frequency) live here; a change or a pan asks the
window for a new `SpectrogramRequest` and the image is replaced when the worker answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.app.review.spectrum import SpectrogramImage, SpectrogramRequest
from pianoscope.gui.note_axis import NoteAxis
from pianoscope.gui.qt import QtCore, pg
from pianoscope.gui.review.time_plot import TimePlot

ROWS = 256
MAX_COLUMNS = 1600
FFT_SIZES = (1024, 2048, 4096, 8192, 16384)
COLOUR_MAPS = ("inferno", "viridis", "magma", "plasma", "CET-L4")


@dataclass(frozen=True)
class SpectrogramSettings:
    fft_size: int = 4096
    colour_map: str = "inferno"
    min_db: float = -100.0
    max_db: float = -10.0
    log_frequency: bool = True

    def __post_init__(self) -> None:
        if self.fft_size not in FFT_SIZES or self.colour_map not in COLOUR_MAPS:
            raise ValueError(f"unsupported spectrogram settings {self}")
        if not self.min_db < self.max_db:
            raise ValueError("the dB range must have its minimum below its maximum")


class SpectrogramPlot(TimePlot):
    def __init__(self, settings: SpectrogramSettings | None = None) -> None:
        self._note_axis = NoteAxis("left", show_hz=False)
        self._linear_axis = pg.AxisItem("left")
        super().__init__("spectrogram", axisItems={"left": self._note_axis})
        self.image_item = pg.ImageItem()
        self.addItem(self.image_item)
        self.settings = settings or SpectrogramSettings()
        self.shown: SpectrogramImage | None = None
        self.apply_settings(self.settings)

    def apply_settings(self, settings: SpectrogramSettings) -> None:
        log_changed = settings.log_frequency != self.settings.log_frequency
        self.settings = settings
        self.image_item.setColorMap(pg.colormap.get(settings.colour_map))
        self.image_item.setLevels((settings.min_db, settings.max_db))
        if log_changed:
            axis = self._note_axis if settings.log_frequency else self._linear_axis
            self.plotItem.setAxisItems({"left": axis})
            self.getAxis("left").setWidth(self.getAxis("bottom").width() or 64)
            self.plotItem.setLabel("left", "spectrogram")

    def request_for_view(self) -> SpectrogramRequest:
        start_s, end_s = self.visible_range_s()
        return SpectrogramRequest(
            start_s=max(0.0, start_s),
            end_s=max(start_s + 0.01, end_s),
            fft_size=self.settings.fft_size,
            columns=min(MAX_COLUMNS, self.width_px()),
            rows=ROWS,
            log_frequency=self.settings.log_frequency,
        )

    def show_image(self, image: SpectrogramImage) -> None:
        self.shown = image
        request = image.request
        rows_hz = image.rows_hz
        if request.log_frequency:
            low, high = np.log10(rows_hz[0]), np.log10(rows_hz[-1])
        else:
            low, high = rows_hz[0], rows_hz[-1]
        self.image_item.setImage(
            image.image_db, autoLevels=False, levels=(self.settings.min_db, self.settings.max_db)
        )
        self.image_item.setRect(
            QtCore.QRectF(request.start_s, low, request.end_s - request.start_s, high - low)
        )
        self.setYRange(low, high, padding=0)
