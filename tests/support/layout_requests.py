"""Count the re-layouts a window is asked for: each costs a layout of every dock and toolbar."""

from __future__ import annotations

from pianoscope.gui.qt import QtCore, QtWidgets


class LayoutRequests(QtCore.QObject):
    """Counts the LayoutRequest events delivered to `window` while installed."""

    def __init__(self, window: QtWidgets.QWidget) -> None:
        super().__init__()
        self.count = 0
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self._window and event.type() == QtCore.QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def window_with_dock(widget: QtWidgets.QWidget) -> QtWidgets.QMainWindow:
    """A shown main window with `widget` in a dock, laid out and settled."""
    window = QtWidgets.QMainWindow()
    window.setCentralWidget(QtWidgets.QLabel("centre"))
    dock = QtWidgets.QDockWidget("panel")
    dock.setWidget(widget)
    window.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resize(900, 600)
    window.show()
    for _ in range(3):
        QtWidgets.QApplication.processEvents()
    return window
