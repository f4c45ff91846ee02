"""A line of text whose size does not follow its text: for readouts updated many times a second.

A `QLabel` asks its layout for a new geometry on every `setText` (its size hint follows the
text), and in a dock of the main window that re-lays out the whole window, docks, toolbars and
the animations `QMainWindow` starts for them: measured on the live window, 4 re-layouts a second
from the classifier panel alone, each creating eight animation objects and repainting every
dock. `TextLine` has a fixed size hint (from a sample of its widest text), elides what does not
fit, and a new text only repaints the line itself. `text()` / `setText()` mirror `QLabel`'s so
that it can stand in for one.
"""

from __future__ import annotations

from pianoscope.gui.qt import QtCore, QtGui, QtWidgets

_MARGIN_PX = 2
_NARROWEST_CHARACTERS = 4


class TextLine(QtWidgets.QWidget):
    def __init__(
        self,
        text: str = "",
        *,
        widest: str = "",
        alignment: QtCore.Qt.AlignmentFlag = QtCore.Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        """`widest` is a sample of the longest text expected: the width the line asks for."""
        super().__init__()
        self._text = text
        self._widest = widest or text
        self._alignment = alignment | QtCore.Qt.AlignmentFlag.AlignVCenter
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed
        )

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QtCore.QSize:
        metrics = self.fontMetrics()
        return QtCore.QSize(
            metrics.horizontalAdvance(self._widest) + 2 * _MARGIN_PX,
            metrics.height() + 2 * _MARGIN_PX,
        )

    def minimumSizeHint(self) -> QtCore.QSize:
        metrics = self.fontMetrics()
        narrowest = metrics.horizontalAdvance("M") * _NARROWEST_CHARACTERS
        return QtCore.QSize(narrowest, metrics.height() + 2 * _MARGIN_PX)

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        area = self.rect().adjusted(_MARGIN_PX, 0, -_MARGIN_PX, 0)
        shown = self.fontMetrics().elidedText(
            self._text, QtCore.Qt.TextElideMode.ElideRight, area.width()
        )
        painter.setPen(self.palette().color(QtGui.QPalette.ColorRole.WindowText))
        painter.drawText(area, self._alignment, shown)
