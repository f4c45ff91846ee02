"""The level meter paints every pixel of itself (real widget, offscreen)."""

from __future__ import annotations

import numpy as np

from pianoscope.gui.live.panels.level_meter import LevelMeter
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets

SENTINEL = QtGui.QColor(255, 0, 255)


def test_the_meter_covers_its_whole_area_so_nothing_beneath_is_painted(qtbot) -> None:
    """It says it paints opaque (Qt then skips the dock and window beneath it on each of its
    updates), so it must leave no pixel unpainted."""
    meter = LevelMeter()
    qtbot.addWidget(meter)
    meter.resize(300, 80)
    meter.set_device_name("virtual microphone")
    assert meter.testAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)
    image = QtGui.QImage(meter.size(), QtGui.QImage.Format.Format_RGB32)
    image.fill(SENTINEL)
    meter.render(image, QtCore.QPoint(), QtGui.QRegion(), QtWidgets.QWidget.RenderFlag(0))
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    assert not np.any(pixels == SENTINEL.rgb())
