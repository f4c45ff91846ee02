"""The library window: import, browse, search, rename, delete to trash, progress, compare."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from pianoscope.app.library.analysis import analyse_recording
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.time_stretch import TimeStretcher
from pianoscope.gui.library.window import LibraryWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library
from pianoscope.resources_path import demo_recording_path

RATE = 44_100


@pytest.fixture()
def library(tmp_path):
    with Library.open(tmp_path / "library") as library:
        yield library


@pytest.fixture()
def takes(tmp_path):
    """A reference take and the same music 20 % slower, with sidecar-free names."""
    demo = load_audio(demo_recording_path())[: 12 * RATE]
    reference = tmp_path / "reference.flac"
    slower = tmp_path / "slower.flac"
    sf.write(reference, demo, RATE)
    stretched = TimeStretcher(speed=1 / 1.2).feed(demo)  # 20 % slower, same pitch
    sf.write(slower, stretched.astype(np.float32), RATE)
    return reference, slower


def _wait_job(qtbot, window):
    qtbot.waitUntil(lambda: not window.busy, timeout=60_000)


def test_import_shows_takes_under_student_and_piece(qtbot, library, takes):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    job = window.import_paths(takes[0])
    _wait_job(qtbot, window)
    assert job.error is None
    assert window.tree.topLevelItemCount() == 1
    [take] = library.recordings()
    assert (take.student, take.piece) == (None, None)
    leaf = window.tree.topLevelItem(0).child(0).child(0)
    assert leaf.text(2) == "0:12"


def test_search_rename_and_delete_to_trash(qtbot, library, takes):
    first = import_file(library, takes[0], student="Ada", piece="Sonatina").recording
    import_file(library, takes[1], student="Clara", piece="Waltz")
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    assert window.tree.topLevelItemCount() == 2
    window.search_edit.setText("Waltz")
    assert window.tree.topLevelItemCount() == 1
    assert window.tree.topLevelItem(0).text(0) == "Clara"
    window.search_edit.setText("")
    window.select_take(first.id)
    dialog = window.rename_selected()
    dialog.setTextValue("First lesson")
    dialog.accept()
    assert library.recording(first.id).title == "First lesson"
    window.select_take(first.id)
    box = window.confirm_delete()
    assert "Move these takes to the library's trash" in box.text()
    qtbot.mouseClick(
        box.button(QtWidgets.QMessageBox.StandardButton.Yes), QtCore.Qt.MouseButton.LeftButton
    )
    assert first.id not in [take.id for take in library.recordings()]
    assert library.recording(first.id).trashed_at is not None
    assert list((library.root / "trash").rglob("*.flac"))
    assert window.tree.topLevelItemCount() == 1


def test_progress_charts_and_comparison(qtbot, library, takes):
    reference = import_file(library, takes[0], student="Ada", piece="Sonatina").recording
    slower = import_file(library, takes[1], student="Ada", piece="Sonatina").recording
    for recording in (reference, slower):
        analyse_recording(library, recording.id)
    opened = []
    window = LibraryWindow(library, open_review=opened.append)
    qtbot.addWidget(window)
    window.tree.topLevelItem(0).setSelected(True)
    assert "2 analysed take(s)" in window.progress_charts.title.text()
    tempo_curves = window.progress_charts.plots["tempo"].listDataItems()
    assert tempo_curves and len(tempo_curves[0].getData()[0]) == 2
    window.tree.clearSelection()
    window.select_take(reference.id)
    window.select_take(slower.id)
    window.open_selected()
    assert sorted(opened) == sorted(library.path_of(t) for t in (reference, slower))
    job = window.compare_selected()
    _wait_job(qtbot, window)
    assert job.error is None
    compared = job.result
    assert compared.comparison.tempo_ratio == pytest.approx(1 / 1.2, rel=0.03)
    assert "slower" in window.compare_view.summary.text()
    assert window.tabs.currentWidget() is window.compare_view
    assert len(window.compare_view.level_plot.listDataItems()) == 2
    labels = window.compare_view.timeline_labels
    assert len(labels["reference form"]) == len(compared.reference.segments)
    assert len(labels["take intensity"]) == len(compared.take.segments)
    assert compared.take.duration_s == pytest.approx(1.2 * compared.reference.duration_s, rel=0.02)


def test_compare_needs_two_takes(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    assert window.compare_selected() is None
    assert "exactly two takes" in window.statusBar().currentMessage()
