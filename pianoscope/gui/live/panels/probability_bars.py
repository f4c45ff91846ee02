"""One classifier head's probabilities as labelled bars, painted by one widget.

A column of `QProgressBar`s costs a synchronous repaint, and a flush to the screen, for every bar
whose value changes (`QProgressBar.setValue` repaints at once): a dozen a prediction, four
predictions a second. This widget stores the values, repaints itself once on the next display
update, and asks for a new layout only when the number of labels changes (pianos enrolled).
"""

from __future__ import annotations

from pianoscope.gui.qt import QtCore, QtGui, QtWidgets

BAR_HEIGHT_PX = 14
BAR_SPACING_PX = 1
_FILL = QtGui.QColor(86, 180, 233)
_TROUGH = QtGui.QColor(235, 235, 235)


class ProbabilityBars(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self._labels: tuple[str, ...] = ()
        self._percents: tuple[int, ...] = ()
        self.setSizePolicy(
            QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed
        )

    def shown(self) -> tuple[tuple[str, int], ...]:
        """What the bars show: (label, percent) from top to bottom."""
        return tuple(zip(self._labels, self._percents, strict=True))

    def show_probabilities(self, labels: tuple[str, ...], values: tuple[float, ...]) -> None:
        percents = tuple(round(100 * value) for value in values)
        if labels == self._labels and percents == self._percents:
            return
        resized = len(labels) != len(self._labels)
        self._labels, self._percents = tuple(labels), percents
        if resized:
            self.updateGeometry()
        self.update()

    def sizeHint(self) -> QtCore.QSize:
        rows = max(len(self._labels), 1)
        return QtCore.QSize(160, rows * BAR_HEIGHT_PX + (rows - 1) * BAR_SPACING_PX)

    def minimumSizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(60, self.sizeHint().height())

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        painter = QtGui.QPainter(self)
        text_colour = self.palette().color(QtGui.QPalette.ColorRole.WindowText)
        width = self.width()
        for row, (label, percent) in enumerate(self.shown()):
            top = row * (BAR_HEIGHT_PX + BAR_SPACING_PX)
            bar = QtCore.QRect(0, top, width, BAR_HEIGHT_PX)
            painter.fillRect(bar, _TROUGH)
            filled = QtCore.QRect(0, top, round(width * percent / 100), BAR_HEIGHT_PX)
            painter.fillRect(filled, _FILL)
            painter.setPen(text_colour)
            painter.drawText(bar, QtCore.Qt.AlignmentFlag.AlignCenter, f"{label} {percent}%")
