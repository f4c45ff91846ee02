"""Start the Qt application for the `pianoscope` command: the live window or a review window.

The CLI imports this module lazily, so the headless sub-commands never load Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pianoscope.app.live.analysis_process import prepare_analysis_processes
from pianoscope.app.live.classifier_worker import preload_classifier_runtime
from pianoscope.app.live.collector_pauses import freeze_start_up_objects
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.gui.review.window import open_review_window
from pianoscope.gui.theme import ThemeFollower, apply_plot_colours
from pianoscope.library.store import Library
from pianoscope.numeric_threads import use_one_numeric_thread, use_one_thread_per_process


def run_gui(*, demo: bool = False, library_root: str | None = None) -> int:
    """Open the window (on the library in `library_root`, or the default one) and run Qt."""
    library = Library.open(library_root)
    app, window = open_live_window(library)
    if demo:
        window.start_demo()
    try:
        return app.exec()
    finally:
        window.take_filer.wait_idle(60)
        library.close()


def open_live_window(
    library: Library, *, qsettings: QtCore.QSettings | None = None
) -> tuple[QtWidgets.QApplication, MainWindow]:
    """The application and its shown live window, set up as `pianoscope` runs them.

    `bench/bench_live.py` opens the window through here too, so that it measures what users run.
    """
    use_one_numeric_thread()
    # What this process analyses offline (a take's review, the library's analyses) runs beside
    # the live audio, its analysis process and the GUI: on one thread, not on every CPU.
    use_one_thread_per_process()
    preload_classifier_runtime()
    prepare_analysis_processes()
    app = _application()
    apply_plot_colours(app)
    window = MainWindow(library=library, qsettings=qsettings)
    window.theme_follower = ThemeFollower(app, window)
    window.show()
    freeze_start_up_objects()
    return app, window


def run_review(path: Path) -> int:
    """`pianoscope review FILE`: a Qt application showing only the review window."""
    app = _application()
    window = open_review_window(path)
    window.raise_()
    return app.exec()


def _application() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    app.setApplicationName("Pianoscope")
    app.setOrganizationName("Pianoscope")
    return app
