"""Follow the system's light or dark appearance in the plots too.

Qt widgets follow the platform palette by themselves; pyqtgraph plots use their own colours, so
their background and foreground are taken from the palette at start and whenever it changes.
"""

from __future__ import annotations

from pianoscope.gui.qt import QtCore, QtGui, QtWidgets, pg


def is_dark(palette: QtGui.QPalette) -> bool:
    return palette.color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def apply_plot_colours(app: QtWidgets.QApplication) -> None:
    """Plots created from now on use the palette's base and text colours."""
    palette = app.palette()
    pg.setConfigOption("background", palette.color(QtGui.QPalette.ColorRole.Base))
    pg.setConfigOption("foreground", palette.color(QtGui.QPalette.ColorRole.Text))


def recolour_plots(root: QtWidgets.QWidget) -> None:
    """Give existing plots the current palette's colours (after a system theme change)."""
    background = pg.getConfigOption("background")
    foreground = pg.getConfigOption("foreground")
    for plot in root.findChildren(pg.PlotWidget):
        plot.setBackground(background)
        for name in ("left", "bottom", "right", "top"):
            axis = plot.getPlotItem().getAxis(name)
            axis.setPen(foreground)
            axis.setTextPen(foreground)


class ThemeFollower(QtCore.QObject):
    """Re-applies plot colours when the system switches between light and dark."""

    def __init__(self, app: QtWidgets.QApplication, window: QtWidgets.QWidget) -> None:
        super().__init__(window)
        self._app, self._window = app, window
        apply_plot_colours(app)
        app.styleHints().colorSchemeChanged.connect(self._changed)

    def _changed(self, _scheme: QtCore.Qt.ColorScheme) -> None:
        apply_plot_colours(self._app)
        recolour_plots(self._window)
