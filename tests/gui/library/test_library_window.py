"""The library window: import, browse, search, rename, delete to trash, progress, compare."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from pianoscope.app.library.analysis import analyse_recording
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.time_stretch import TimeStretcher
from pianoscope.gui.library.compare_view import LEVEL_FLOOR_DB
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
    # The import is followed by the analysis the progress charts need (an imported take had
    # none: the charts stayed empty until `pianoscope library analyse`), reported by fractions.
    assert window.job.name == "Analysing 1 take"
    assert window.job.error is None and window.job.progress == pytest.approx(1.0)
    assert library.summary(take.id) is not None
    assert "Analysed 1 take." in window.statusBar().currentMessage()
    assert window.analyse_pending_takes() is None  # nothing left to analyse
    # Names and dates are shown whole, not elided ("C majo…" in a column too narrow).
    metrics = window.tree.fontMetrics()
    for column in range(window.tree.columnCount()):
        assert window.tree.columnWidth(column) >= metrics.horizontalAdvance(leaf.text(column))


def test_charts_of_a_take_not_analysed_yet_say_so_and_show_its_practice(qtbot, library, takes):
    take = import_file(library, takes[0], student="Ada", piece="Sonatina").recording
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    window.select_take(take.id)
    title = window.progress_charts.title.text()
    assert "Ada — Sonatina: no analysed take yet" in title
    practice_day = take.recorded_at.astimezone().replace(hour=12).timestamp()
    shown_from, shown_to = window.progress_charts.plots["practice"].viewRange()[0]
    assert shown_from < practice_day < shown_to  # the x range was the epoch's 0-1 s


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
    assert "2 analysed takes" in window.progress_charts.title.text()
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
    assert "Compared slower.flac with reference.flac" in window.statusBar().currentMessage()
    assert {"legato", "p"} <= set(window.compare_view.timeline_texts)  # bands are named
    view = window.compare_view
    for curve in view.level_plot.listDataItems():  # digital silence drawn at the floor
        assert curve.getData()[1].min() >= LEVEL_FLOOR_DB
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    # The plots show the same stretch of the reference (the timeline's wider axis had hidden
    # its first 1.5 s, the first band's name with it).
    np.testing.assert_allclose(view.timeline_plot.viewRange()[0], view.tempo_plot.viewRange()[0])
    labels = window.compare_view.timeline_labels
    assert len(labels["reference form"]) == len(compared.reference.segments)
    assert len(labels["take intensity"]) == len(compared.take.segments)
    assert compared.take.duration_s == pytest.approx(1.2 * compared.reference.duration_s, rel=0.02)


def test_compare_needs_two_takes(qtbot, library):
    window = LibraryWindow(library)
    qtbot.addWidget(window)
    assert window.compare_selected() is None
    assert "exactly two takes" in window.statusBar().currentMessage()
