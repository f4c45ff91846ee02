"""Start the Qt application: the window, optionally playing the demo as live input."""

from __future__ import annotations

import sys

from pianoscope.gui.main_window import MainWindow
from pianoscope.gui.qt import QtWidgets
from pianoscope.gui.theme import ThemeFollower, apply_plot_colours


def run_gui(*, demo: bool = False) -> int:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("Pianoscope")
    app.setOrganizationName("Pianoscope")
    apply_plot_colours(app)
    window = MainWindow()
    window.theme_follower = ThemeFollower(app, window)
    window.show()
    if demo:
        window.start_demo()
    return app.exec()
