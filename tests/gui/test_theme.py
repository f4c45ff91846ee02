"""Plots follow the system palette, light or dark."""

from __future__ import annotations

from pianoscope.gui.qt import QtGui, pg
from pianoscope.gui.theme import apply_plot_colours, is_dark, recolour_plots


def _palette(window_hex: str, base_hex: str, text_hex: str) -> QtGui.QPalette:
    palette = QtGui.QPalette()
    palette.setColor(QtGui.QPalette.ColorRole.Window, QtGui.QColor(window_hex))
    palette.setColor(QtGui.QPalette.ColorRole.Base, QtGui.QColor(base_hex))
    palette.setColor(QtGui.QPalette.ColorRole.Text, QtGui.QColor(text_hex))
    return palette


def test_plots_take_the_palette_colours_and_follow_a_change(make_window, qapp):
    original = qapp.palette()
    try:
        qapp.setPalette(_palette("#f0f0f0", "#ffffff", "#101010"))
        assert not is_dark(qapp.palette())
        apply_plot_colours(qapp)
        window = make_window()
        assert window.spectrum.backgroundBrush().color() == QtGui.QColor("#ffffff")
        qapp.setPalette(_palette("#202020", "#151515", "#eeeeee"))
        assert is_dark(qapp.palette())
        apply_plot_colours(qapp)
        recolour_plots(window)
        assert window.spectrum.backgroundBrush().color() == QtGui.QColor("#151515")
        assert window.scope.getPlotItem().getAxis("left").textPen().color() == QtGui.QColor(
            "#eeeeee"
        )
    finally:
        qapp.setPalette(original)
        pg.setConfigOption("background", "k")
        pg.setConfigOption("foreground", "d")
