"""Level calibration from the window: measured from the live input, remembered per input."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from pianoscope.app.live.session import InputChoice
from pianoscope.dsp.features import log_mel
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, playing_level_db


def test_calibration_from_the_demo_is_applied_and_remembered(make_window, qtbot):
    window = make_window()
    window.calibration_seconds = 1.5
    window.start_demo()
    qtbot.wait(1700)
    dialog = window.open_calibration()
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        pass
    offset = window.engine.classifier.calibration.offset_db
    assert offset == dialog.calibration.offset_db
    assert offset != 0.0
    assert -40.0 < offset < 40.0
    window.close()
    reopened = make_window()
    stored = reopened.stored_calibration("demo.flac (file)")
    assert stored.offset_db == pytest.approx(offset)
    reopened.start_demo()
    assert reopened.engine.classifier.calibration.offset_db == pytest.approx(offset)


def test_calibration_moves_the_level_to_the_training_convention(make_window, qtbot):
    """After calibrating on a phrase, that phrase reads the reference level."""
    window = make_window()
    window.calibration_seconds = 2.0
    window.start_demo()
    qtbot.wait(2300)
    dialog = window.open_calibration()
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        pass
    audio = window.engine.source.ring.latest(round(2.0 * 44_100)).samples
    calibrated = dialog.calibration.apply(log_mel(audio))
    assert playing_level_db(calibrated) == pytest.approx(REFERENCE_LEVEL_DB, abs=3.0)


def test_calibrating_on_silence_is_refused_with_advice(make_window, qtbot, tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(44_100 * 4, np.float32), 44_100)
    window = make_window()
    window.calibration_seconds = 1.0
    window.start_input(InputChoice(file=silence))
    qtbot.wait(1200)
    dialog = window.open_calibration()
    qtbot.waitUntil(lambda: "Nothing loud enough" in dialog.message.text(), timeout=5_000)
    assert dialog.calibration is None
    assert window.engine.classifier.calibration.offset_db == 0.0
    dialog.reject()
