"""Level meter: peak and RMS bars in dBFS with a clip light that holds for two seconds."""

from __future__ import annotations

import time

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets

FLOOR_DB = -60.0
CLIP_HOLD_S = 2.0
BASE_ROLE = QtGui.QPalette.ColorRole.Base


def _bar_colour(level_dbfs: float) -> str:
    """Red within 3 dB of full scale, amber above -12 dBFS, green below."""
    if level_dbfs > -3.0:
        return "#d9534f"
    return "#f0ad4e" if level_dbfs > -12.0 else "#5cb85c"


class LevelMeter(QtWidgets.QWidget):
    """Two horizontal bars (peak, RMS) from -60 to 0 dBFS, with the device name above."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.peak_dbfs = FLOOR_DB
        self.rms_dbfs = FLOOR_DB
        self.clip_until_s = 0.0
        self.device_name = ""
        self.setMinimumSize(220, 64)
        # It paints every pixel itself: Qt then need not paint the dock and window beneath it
        # first, on each of the ~30 updates a second.
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def clipping(self) -> bool:
        return time.monotonic() < self.clip_until_s

    def show_frame(self, frame: LiveFrame) -> None:
        self.peak_dbfs = max(FLOOR_DB, frame.peak_dbfs)
        self.rms_dbfs = max(FLOOR_DB, frame.rms_dbfs)
        if frame.clipped:
            self.clip_until_s = time.monotonic() + CLIP_HOLD_S
        self.update()

    def set_device_name(self, name: str) -> None:
        self.device_name = name
        self.update()

    def paintEvent(self, _event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        palette = self.palette()
        width, height = self.width(), self.height()
        painter.fillRect(self.rect(), palette.color(QtGui.QPalette.ColorRole.Window))
        painter.setPen(palette.color(QtGui.QPalette.ColorRole.WindowText))
        painter.drawText(
            4, 14, f"{self.device_name}   peak {self.peak_dbfs:5.1f}  RMS {self.rms_dbfs:5.1f} dBFS"
        )
        bar_width = width - 48
        for row, (label, level) in enumerate((("peak", self.peak_dbfs), ("RMS", self.rms_dbfs))):
            top = 22 + row * (height - 26) // 2
            bar_height = (height - 30) // 2
            fraction = (level - FLOOR_DB) / -FLOOR_DB
            painter.fillRect(
                4, top, bar_width, bar_height, palette.color(QtGui.QPalette.ColorRole.Base)
            )
            colour = QtGui.QColor(
                "#d9534f" if level > -3 else "#f0ad4e" if level > -12 else "#5cb85c"
            )
            painter.fillRect(4, top, int(bar_width * fraction), bar_height, colour)
            painter.drawText(bar_width + 8, top + bar_height - 2, label)
        clip_colour = (
            QtGui.QColor("#d9534f")
            if self.clipping
            else palette.color(QtGui.QPalette.ColorRole.Mid)
        )
        painter.setBrush(clip_colour)
        painter.drawEllipse(QtCore.QPointF(width - 10, 10), 6, 6)
        painter.end()
