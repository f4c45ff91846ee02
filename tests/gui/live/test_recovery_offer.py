"""At start, the window offers to recover takes a crash left behind."""

from __future__ import annotations

from support.crash_takes import kill_mid_take

from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import journal_path, read_sidecar
from pianoscope.gui.qt import QtCore, QtWidgets


def test_window_offers_and_performs_recovery(make_window, qtbot, tmp_path):
    take = tmp_path / "library" / "recordings" / "Ada" / "take.flac"
    take.parent.mkdir(parents=True)
    kill_mid_take(take)
    window = make_window()
    assert window.interrupted_takes == [take]
    box = window.offer_recovery()
    assert "take.flac" in box.text()
    recover_button = box.button(QtWidgets.QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(recover_button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: take.exists(), timeout=5_000)
    assert not journal_path(take).exists()
    assert load_audio(take).size > 44_100
    assert read_sidecar(take).state == "recovered"
    assert window.last_recording == take
    assert window.interrupted_takes == []
