"""The enrolment dialog: name pianos, pick recordings, fine-tune with progress, then choose."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.enrolment_renders import OWN_PIANOS, rendered

from pianoscope.app.enrolment import active_enrolment
from pianoscope.audio.fileio import write_audio
from pianoscope.gui.enrolment_dialog import EnrolmentDialog
from pianoscope.gui.qt import QtCore

SAMPLE_RATE_HZ = 44_100


@pytest.fixture(scope="module")
def recording_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("own-pianos")
    files = {}
    for name, piano in OWN_PIANOS.items():
        files[name] = folder / f"{name}.flac"
        write_audio(files[name], rendered(piano, seed=1))
    return files


@pytest.fixture()
def dialog(qtbot, tmp_path: Path) -> EnrolmentDialog:
    dialog = EnrolmentDialog(folder=tmp_path / "enrolments")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: EnrolmentDialog, files: dict[str, Path]) -> None:
    """Both pianos (the dialog opens with one row and adds rows as needed)."""
    for index, (name, path) in enumerate(files.items()):
        dialog.set_piano(index, name, [path])


@pytest.mark.fluidsynth
def test_enrolment_shows_accuracy_and_uses_the_names_when_chosen(
    qtbot, dialog: EnrolmentDialog, recording_files: dict[str, Path], tmp_path: Path
) -> None:
    _fill(dialog, recording_files)
    job = dialog.start()
    assert job is not None and dialog.progress.isVisible() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=180_000)
    assert dialog.result is not None, dialog.message.text()
    print(dialog.message.text())
    assert "%" in dialog.message.text() and "Studio upright" in dialog.message.text()
    assert dialog.use_button.isVisible() and dialog.keep_button.isVisible()
    assert not dialog.progress.isVisible()
    assert active_enrolment(tmp_path / "enrolments") is None  # nothing changes before the choice
    qtbot.mouseClick(dialog.use_button, QtCore.Qt.MouseButton.LeftButton)
    assert active_enrolment(tmp_path / "enrolments") == dialog.result.path.resolve()


@pytest.mark.fluidsynth
def test_keep_the_shipped_model(
    qtbot, dialog: EnrolmentDialog, recording_files: dict[str, Path], tmp_path: Path
) -> None:
    _fill(dialog, recording_files)
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=180_000)
    qtbot.mouseClick(dialog.keep_button, QtCore.Qt.MouseButton.LeftButton)
    assert active_enrolment(tmp_path / "enrolments") is None


@pytest.mark.fluidsynth
def test_cancel_stops_fine_tuning_and_changes_nothing(
    qtbot, dialog: EnrolmentDialog, recording_files: dict[str, Path], tmp_path: Path
) -> None:
    _fill(dialog, recording_files)
    dialog.start()
    qtbot.mouseClick(dialog.cancel_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert dialog.result is None
    assert "cancelled" in dialog.message.text()
    assert not (tmp_path / "enrolments").exists()
    assert dialog.enrol_button.isEnabled()


@pytest.mark.fluidsynth
def test_close_leaves_without_enrolling_and_stops_a_fine_tuning(
    qtbot, dialog: EnrolmentDialog, recording_files: dict[str, Path], tmp_path: Path
) -> None:
    _fill(dialog, recording_files)
    job = dialog.start()
    qtbot.mouseClick(dialog.close_button, QtCore.Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result is None
    assert job.wait(60)
    assert job.cancelled and not (tmp_path / "enrolments").exists()


def test_a_piano_without_recordings_is_explained(qtbot, dialog: EnrolmentDialog) -> None:
    dialog.set_piano(0, "Upstairs", [])
    dialog.set_piano(1, "Downstairs", [Path("nowhere.flac")])
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "at least one recording of Upstairs" in dialog.message.text()
    assert dialog.result is None and not dialog.use_button.isVisible()


def test_at_most_eight_pianos(dialog: EnrolmentDialog) -> None:
    for _ in range(10):
        dialog.add_piano()
    assert len(dialog.rows) == 8 and not dialog.add_button.isEnabled()


def test_live_window_offers_enrolment(make_window) -> None:
    window = make_window()
    dialog = window.open_enrolment()
    assert isinstance(dialog, EnrolmentDialog) and dialog.isVisible()
    dialog.reject()


@pytest.mark.fluidsynth
def test_one_piano_is_enough_and_the_dialog_says_so(
    qtbot, dialog: EnrolmentDialog, recording_files: dict[str, Path]
) -> None:
    intro = dialog.findChildren(type(dialog.message))[0].text()
    assert "With one piano" in intro and "another piano" in intro
    assert len(dialog.rows) == 1
    name, path = next(iter(recording_files.items()))
    dialog.set_piano(0, name, [path])
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=180_000)
    assert dialog.result is not None, dialog.message.text()
    assert dialog.result.names == (name,)
    assert "another piano" in dialog.message.text()
