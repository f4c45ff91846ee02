"""Level calibration from the window: measured from the live input, remembered per input."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from pianoscope.app.live.session import InputChoice
from pianoscope.dsp.features import log_mel
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, playing_level_db
from pianoscope.transcription.training import steinway
from pianoscope.transcription.training.content import SoundingNote

RATE = 44_100


def _wait_until_the_ring_holds(window, qtbot, *, seconds: float) -> None:
    """Let the input deliver `seconds` of audio first: the dialog measures the last `seconds` it
    heard, and the tests want all of them to be input (the dialog's own countdown runs by the
    wall clock, which a loaded machine may outpace)."""
    ring = window.engine.source.ring
    qtbot.waitUntil(lambda: ring.written >= seconds * RATE, timeout=30_000)


def test_calibration_from_the_demo_is_applied_and_remembered(make_window, qtbot):
    window = make_window()
    window.calibration_seconds = 1.5
    window.start_demo()
    assert window.calibration_label.text() == "demo.flac (file): not calibrated"
    _wait_until_the_ring_holds(window, qtbot, seconds=1.5)
    dialog = window.open_calibration()
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        pass
    offset = window.engine.classifier.calibration.offset_db
    in_force = window.calibration_label.text()
    assert in_force == f"demo.flac (file): calibrated: mf notes, mf {offset:+.1f} dB"
    assert offset == dialog.calibration.offset_db
    assert offset != 0.0
    assert -40.0 < offset < 40.0
    window.close()
    reopened = make_window()
    stored = reopened.stored_calibration("demo.flac (file)")
    assert stored.offset_db == pytest.approx(offset)
    reopened.start_demo()
    assert reopened.engine.classifier.calibration.offset_db == pytest.approx(offset)
    assert reopened.calibration_label.text() == in_force
    reopened.stop_input()
    assert reopened.calibration_label.text() == ""


def test_calibration_moves_the_level_to_the_training_convention(make_window, qtbot):
    """After calibrating on a phrase, that phrase reads the reference level."""
    window = make_window()
    window.calibration_seconds = 2.0
    window.start_demo()
    _wait_until_the_ring_holds(window, qtbot, seconds=2.0)
    dialog = window.open_calibration()
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        pass
    audio = window.engine.source.ring.latest(round(2.0 * RATE)).samples
    calibrated = dialog.calibration.apply(log_mel(audio))
    assert playing_level_db(calibrated) == pytest.approx(REFERENCE_LEVEL_DB, abs=3.0)


def test_calibrating_on_silence_is_refused_with_advice(make_window, qtbot, tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(44_100 * 4, np.float32), 44_100)
    window = make_window()
    window.calibration_seconds = 1.0
    window.start_input(InputChoice(file=silence))
    _wait_until_the_ring_holds(window, qtbot, seconds=1.0)
    dialog = window.open_calibration()
    qtbot.waitUntil(lambda: "Nothing loud enough" in dialog.message.text(), timeout=30_000)
    assert dialog.calibration is None
    assert window.engine.classifier.calibration.offset_db == 0.0
    dialog.reject()


def test_a_chromatic_scale_calibrates_each_key_and_is_remembered(make_window, qtbot, tmp_path):
    """Calibrate keys…: the Steinway B playing a chromatic scale mf as the input; the scale
    calibration (each key's level and the mf offset) is applied and kept for the input."""
    notes = [
        SoundingNote(0.2 + 0.4 * i, 0.55 + 0.4 * i, m, 64) for i, m in enumerate(range(48, 73))
    ]
    scale = tmp_path / "scale.wav"
    sf.write(scale, steinway.render_notes(notes, 11.0), RATE)
    window = make_window()
    window.scale_calibration_seconds = 6.0
    window.start_input(InputChoice(file=scale))
    _wait_until_the_ring_holds(window, qtbot, seconds=6.0)
    dialog = window.open_calibration(scale=True)
    assert "chromatic scale" in dialog.message.text()
    assert "Calibrate where you record" in dialog.message.text()
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        pass
    calibration = window.engine.classifier.calibration
    assert calibration.kind == "scale" and len(calibration.key_levels_db) == 88
    assert "from a chromatic scale" in window.statusBar().currentMessage()
    assert "calibrated: chromatic scale" in window.calibration_label.text()
    source = window.engine.source.name
    window.close()
    reopened = make_window()
    assert reopened.stored_calibration(source) == calibration
