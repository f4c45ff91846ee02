"""The live window opens the review window: the last take, or a chosen recording."""

from __future__ import annotations

import shutil

from pianoscope.resources_path import demo_recording_path


def test_review_last_take_opens_it_in_a_review_window(make_window, qtbot, tmp_path):
    window = make_window()
    assert not window.review_last_action.isEnabled()
    take = tmp_path / "take.flac"
    shutil.copy(demo_recording_path(), take)
    window._recording_finished(take)
    assert window.review_last_action.isEnabled()
    window.review_last_action.trigger()
    review = window.review_windows[-1]
    qtbot.addWidget(review)
    assert review.isVisible() and review.recording.path == take
    qtbot.waitUntil(lambda: review.pyramid is not None, timeout=10_000)
    review.close()


def test_open_recording_action_uses_the_chosen_file(make_window, qtbot, tmp_path, monkeypatch):
    from pianoscope.gui.qt import QtWidgets

    window = make_window()
    chosen = tmp_path / "chosen.flac"
    shutil.copy(demo_recording_path(), chosen)
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen), ""))
    window.open_recording_action.trigger()
    review = window.review_windows[-1]
    qtbot.addWidget(review)
    assert review.recording.path == chosen
    review.close()
