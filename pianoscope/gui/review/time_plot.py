"""A plot on the review window's shared time axis: moment cursor, playback cursor, clicks.

Every timeline view derives from `TimePlot`, so clicking or dragging in any of them moves the
same moment, and all of them pan and zoom together (their x axes are linked).
"""

from __future__ import annotations

from pianoscope.gui.qt import QtCore, QtGui, pg

LEFT_AXIS_PX = 64
CURSOR_PEN = pg.mkPen("#d62728", width=1)
PLAY_PEN = pg.mkPen("#2ca02c", width=2)


class TimePlot(pg.PlotWidget):
    """`time_picked(seconds)` on a click or a drag of the moment cursor; `time_hovered` as the
    mouse moves, for the readout."""

    time_picked = QtCore.Signal(float)
    time_hovered = QtCore.Signal(float)

    def __init__(self, title: str, *, axis_label: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.setObjectName(title)
        self.getAxis("left").setWidth(LEFT_AXIS_PX)
        self.getAxis("left").enableAutoSIPrefix(False)
        self.setMouseEnabled(x=True, y=False)
        self.setMenuEnabled(True)
        self.hideButtons()
        self.plotItem.setLabel("left", axis_label or title)
        self.cursor = pg.InfiniteLine(angle=90, movable=True, pen=CURSOR_PEN)
        self.play_cursor = pg.InfiniteLine(angle=90, movable=False, pen=PLAY_PEN)
        self.play_cursor.hide()
        for line in (self.cursor, self.play_cursor):
            line.setZValue(10)
            self.addItem(line, ignoreBounds=True)
        self.cursor.sigDragged.connect(lambda line: self.time_picked.emit(float(line.value())))
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    def time_at(self, scene_position: QtCore.QPointF) -> float | None:
        """Seconds under a scene position, or None outside the plotting area."""
        view = self.plotItem.vb
        if not view.sceneBoundingRect().contains(scene_position):
            return None
        return float(view.mapSceneToView(scene_position).x())

    def clicked_at(self, time_s: float, scene_position: QtCore.QPointF) -> None:
        """A left click inside the plot; subclasses also pick items here (notes)."""
        self.time_picked.emit(time_s)

    def _clicked(self, event) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        time_s = self.time_at(event.scenePos())
        if time_s is not None:
            self.clicked_at(time_s, event.scenePos())

    def _moved(self, scene_position: QtCore.QPointF) -> None:
        time_s = self.time_at(scene_position)
        if time_s is not None:
            self.time_hovered.emit(time_s)

    def set_cursor(self, time_s: float) -> None:
        self.cursor.blockSignals(True)
        self.cursor.setValue(time_s)
        self.cursor.blockSignals(False)

    def set_play_position(self, time_s: float | None) -> None:
        if time_s is None:
            self.play_cursor.hide()
        else:
            self.play_cursor.setValue(time_s)
            self.play_cursor.show()

    def visible_range_s(self) -> tuple[float, float]:
        low, high = self.plotItem.vb.viewRange()[0]
        return float(low), float(high)

    def width_px(self) -> int:
        return max(100, int(self.plotItem.vb.width()))


def rgb_brush(rgb) -> QtGui.QBrush:
    return pg.mkBrush(int(rgb[0]), int(rgb[1]), int(rgb[2]))
