"""GUI fixtures: a window with its own settings file and recordings folder."""

from __future__ import annotations

import gc

import pytest

from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore
from pianoscope.library.store import Library


@pytest.fixture()
def settings_file(tmp_path):
    return tmp_path / "pianoscope.ini"


@pytest.fixture()
def make_window(qtbot, tmp_path, settings_file):
    """Factory for windows sharing one settings file (to test persistence across restarts)."""
    windows = []
    libraries = []

    def make() -> MainWindow:
        qsettings = QtCore.QSettings(str(settings_file), QtCore.QSettings.Format.IniFormat)
        library = Library.open(tmp_path / "library")
        libraries.append(library)
        window = MainWindow(library=library, qsettings=qsettings)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.stop_input()
        window.take_filer.wait_idle(30)
    for library in libraries:
        library.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item):
    """Free the test's widgets once every fixture (qtbot's too) has let go of them.

    A window holds reference cycles (lambdas connected to its actions), so Python frees it
    only in a cyclic collection. One that came inside a later test's display timer deadlocked
    in ~QObject (short soak, 2026-12-01: a QMenu's QAction waiting for a mutex); collected
    here, between tests, no other window's timer is running.
    """
    yield
    gc.collect()
