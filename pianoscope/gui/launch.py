"""Start the Qt application: the window, optionally playing the demo as live input."""

from __future__ import annotations

import sys

from pianoscope.gui.main_window import MainWindow
from pianoscope.gui.qt import QtWidgets
from pianoscope.gui.theme import ThemeFollower, apply_plot_colours
from pianoscope.library.store import Library


def run_gui(*, demo: bool = False, library_root: str | None = None) -> int:
    """Open the window (on the library in `library_root`, or the default one) and run Qt."""
    library = Library.open(library_root)
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("Pianoscope")
    app.setOrganizationName("Pianoscope")
    apply_plot_colours(app)
    window = MainWindow(library=library)
    window.theme_follower = ThemeFollower(app, window)
    window.show()
    if demo:
        window.start_demo()
    try:
        return app.exec()
    finally:
        window.take_filer.wait_idle(60)
        library.close()
