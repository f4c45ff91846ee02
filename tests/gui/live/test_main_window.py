"""The live window, offscreen: demo input reaches every panel, recording, settings, errors."""

from __future__ import annotations

import dataclasses

import numpy as np
import soundfile as sf

from pianoscope.app.live.session import InputChoice
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import read_sidecar
from pianoscope.gui.live.panels.level_meter import FLOOR_DB

RATE = 44_100


def test_demo_feeds_every_panel(make_window, qtbot):
    window = make_window()
    window.start_demo()
    qtbot.waitUntil(lambda: window.partials_table.shown_rows > 0, timeout=10_000)
    qtbot.waitUntil(lambda: window.spectrogram._drawn_count >= 30, timeout=10_000)
    x, y = window.spectrum.raw_curve.getData()
    # Drawn thinned to about one point per pixel column of the plot, every peak kept.
    assert 100 < x.size <= window.spectrum.getPlotItem().vb.width() + 3
    assert np.max(y) > -80
    assert window.spectrum.corrected_curve.getData()[0].size > 100
    assert window.level_meter.rms_dbfs > FLOOR_DB
    assert window.note_readout.note_label.text() != "–"
    assert window.scope.curve.getData()[1].size == round(0.04 * RATE)
    levels_db = window.spectrogram.levels_db
    assert levels_db is not None and np.max(levels_db) > -100
    image = window.spectrogram.image_item.image
    assert image.dtype == np.uint8 and image.shape == (*levels_db.shape, 4)  # coloured, RGBA
    assert len(np.unique(image.reshape(-1, 4), axis=0)) > 10
    assert "overflows 0" in window.status_label.text()
    assert window.level_meter.device_name == "demo.flac (file)"


def test_demo_shows_the_first_note_of_the_bundled_clip(make_window, qtbot):
    """The demo opens with a legato C4 (MIDI 60), played for 0.75 s.

    Played at quarter speed (the same samples, so the same pitch), the note lasts 3 s of wall
    time: the readout, refreshed by a GUI timer, still shows it on a loaded machine.
    """
    window = make_window()
    window.start_input(dataclasses.replace(InputChoice.demo(), speed=0.25))
    qtbot.waitUntil(lambda: window.engine.latest_frame is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.engine.latest_frame.time_s > 0.3, timeout=10_000)
    qtbot.waitUntil(lambda: window.note_readout.note_label.text() != "–", timeout=10_000)
    assert window.engine.latest_frame.time_s < 0.75
    assert window.note_readout.note_label.text().startswith("C4")


def test_record_and_stop_writes_a_playable_file(make_window, qtbot, tmp_path):
    window = make_window()
    window.student_edit.setText("Ada")
    window.piece_edit.setText("Scales")
    window.start_demo()
    window.record_action.trigger()
    assert window.engine.recording
    qtbot.waitUntil(lambda: "REC" in window.elapsed_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: window.engine.stats().recording_s >= 1.5, timeout=30_000)
    window.record_action.trigger()
    assert not window.engine.recording
    path = window.last_recording
    assert path is not None and path.is_file()
    assert path.is_relative_to(window.recordings_folder / "Ada" / "Scales")
    recorded = load_audio(path).size
    assert recorded >= 1.5 * RATE
    sidecar = read_sidecar(path)
    assert sidecar.piece == "Scales"
    assert recorded == round(sidecar.duration_s * RATE)
    assert window.take_filer.wait_idle(60)
    [filed] = window.take_filer.filed()
    assert filed.path == path and filed.analysed
    [recording] = window.library.recordings()
    assert (recording.student, recording.piece) == ("Ada", "Scales")
    assert window.library.path_of(recording) == path
    assert window.library.summary(recording.id).note_count >= 1


def test_settings_and_layout_persist_across_a_restart(make_window, qtbot):
    window = make_window()
    window.student_edit.setText("Clara")
    window.piece_edit.setText("Träumerei")
    window.docks["Scope"].hide()
    window.close()
    reopened = make_window()
    assert reopened.student_edit.text() == "Clara"
    assert reopened.piece_edit.text() == "Träumerei"
    assert reopened.docks["Scope"].isHidden()
    assert not reopened.docks["Spectrogram"].isHidden()


def test_missing_device_is_shown_and_the_window_keeps_working(make_window, qtbot):
    window = make_window()
    window.start_input(InputChoice(device="Steinway Model D USB"))
    assert window.banner.isVisible()
    assert "no sound input called 'Steinway Model D USB'" in window.banner.text()
    assert window.engine is None
    assert not window.start_action.isChecked()
    window.start_demo()
    assert not window.banner.isVisible()
    qtbot.waitUntil(lambda: window.engine.latest_frame is not None, timeout=5_000)


def test_input_failure_while_recording_is_shown_and_the_take_kept(make_window, qtbot, tmp_path):
    samples = (0.2 * np.sin(2 * np.pi * 330 * np.arange(3 * RATE) / RATE)).astype(np.float32)
    samples[int(2.2 * RATE)] = np.inf
    damaged = tmp_path / "damaged.wav"
    sf.write(damaged, samples, RATE, subtype="FLOAT")
    window = make_window()
    window.start_input(InputChoice(file=damaged, loop=False, speed=2.0))
    window.record_action.trigger()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert "damaged" in window.banner.text()
    assert "saved as" in window.banner.text()
    assert not window.record_action.isChecked()
    recordings = list(window.recordings_folder.rglob("*.flac"))
    assert len(recordings) == 1
    assert load_audio(recordings[0]).size > 0.5 * RATE
    window.start_demo()
    qtbot.waitUntil(lambda: window.engine.latest_frame is not None, timeout=5_000)


def test_space_starts_and_stops(make_window, qtbot):
    window = make_window()
    window.input_choice = InputChoice.demo()
    window.start_action.trigger()
    assert window.engine is not None and window.engine.running
    window.start_action.trigger()
    assert window.engine is None
    assert window.start_action.shortcut().toString() == "Space"
    assert window.record_action.shortcut().toString() == "R"


def test_pause_stops_the_take_clock(make_window, qtbot):
    window = make_window()
    window.start_demo()
    assert not window.pause_action.isEnabled()
    window.record_action.trigger()
    qtbot.waitUntil(lambda: window.pause_action.isEnabled(), timeout=10_000)
    engine = window.engine
    qtbot.waitUntil(lambda: engine.stats().recording_s >= 0.5, timeout=30_000)
    window.pause_action.trigger()
    qtbot.waitUntil(lambda: "PAUSED" in window.elapsed_label.text(), timeout=10_000)
    # The engine keeps its recorder private; its read position tells when the recorder has
    # passed over audio that arrived after the pause (nothing is then still being written).
    recorder = engine._recorder
    arrived_at_pause = engine.source.ring.written
    qtbot.waitUntil(lambda: recorder.consumed_index > arrived_at_pause, timeout=30_000)
    paused_at = engine.stats().recording_s
    half_a_second_later = engine.source.ring.written + RATE // 2
    qtbot.waitUntil(lambda: recorder.consumed_index >= half_a_second_later, timeout=30_000)
    assert engine.stats().recording_s == paused_at
    window.pause_action.trigger()
    qtbot.waitUntil(lambda: engine.stats().recording_s > paused_at + 0.3, timeout=30_000)
    window.record_action.trigger()
    assert not window.pause_action.isChecked()


def test_library_window_opens_on_the_window_library(make_window, qtbot):
    window = make_window()
    library_window = window.open_library()
    qtbot.addWidget(library_window)
    assert library_window.library is window.library
    assert window.library_action.shortcut().toString() == "Ctrl+L"


def test_demo_is_classified_as_the_fluidr3_grand_in_the_panel(make_window, qtbot):
    """The bundled clip is FluidR3_GM's grand piano: the shipped classifier must say so."""
    window = make_window()
    window.start_demo()
    qtbot.waitUntil(
        lambda: (
            window.engine.classifier is not None and len(window.engine.classifier.history()) >= 12
        ),
        timeout=30_000,
    )
    assert window.engine.classifier.problem is None
    pianos = [
        timed.prediction.piano_label
        for timed in window.engine.classifier.history()
        if not timed.prediction.is_silent
    ]
    assert pianos.count("grand-fluidr3") >= 0.8 * len(pianos)
    qtbot.waitUntil(
        lambda: window.classifier_panel.head_labels["piano"].text().startswith("grand-fluidr3"),
        timeout=5_000,
    )
    assert window.classifier_panel.state_label.text() == "Piano playing"
    qtbot.waitUntil(
        lambda: window.classifier_panel.history_image.image.shape[1] >= 12, timeout=5_000
    )


def test_panels_out_of_sight_are_not_drawn(make_window, qtbot):
    """A closed dock costs no drawing; shown again, it is drawn at once."""
    window = make_window()
    window.docks["Scope"].close()
    window.docks["Partials"].close()
    window.start_demo()
    qtbot.waitUntil(lambda: window.spectrogram._drawn_count >= 10, timeout=20_000)
    qtbot.waitUntil(lambda: window.note_readout.note_label.text() != "–", timeout=10_000)
    assert window.spectrum.raw_curve.getData()[0] is not None
    assert window.scope.curve.getData()[1] is None
    assert window.partials_table.shown_rows == 0
    window.docks["Scope"].show()
    qtbot.waitUntil(lambda: window.scope.curve.getData()[1] is not None, timeout=10_000)
