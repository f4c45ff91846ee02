"""Settings: the dialog edits them, the window applies them, QSettings keeps them."""

from __future__ import annotations

from pianoscope.app.live.session import InputChoice
from pianoscope.app.live.settings import LiveSettings
from pianoscope.audio.devices import InputDevice
from pianoscope.gui.live.settings_dialog import SettingsDialog
from pianoscope.gui.qt import QtCore
from pianoscope.gui.settings_store import (
    DisplaySettings,
    load_display_settings,
    load_input_choice,
    load_live_settings,
    save,
)

DEVICES = [
    InputDevice(0, "pulse", "ALSA", 32, 44_100.0),
    InputDevice(3, "USB Audio Interface", "ALSA", 2, 48_000.0),
]


def _ini(tmp_path) -> QtCore.QSettings:
    return QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)


def test_settings_round_trip_through_qsettings(tmp_path):
    qsettings = _ini(tmp_path)
    live = LiveSettings(fft_size=16384, window_name="blackman-harris", frequency_scale="linear")
    display = DisplaySettings(spectrum_min_db=-90.0, colour_map="viridis")
    choice = InputChoice(device="USB Audio Interface", channel=1, sample_rate_hz=48_000)
    save(qsettings, "live", live)
    save(qsettings, "display", display)
    save(qsettings, "input", choice)
    qsettings.sync()
    reread = _ini(tmp_path)
    assert load_live_settings(reread) == live
    assert load_display_settings(reread) == display
    assert load_input_choice(reread) == choice


def test_corrupt_stored_settings_fall_back_to_defaults(tmp_path):
    qsettings = _ini(tmp_path)
    qsettings.setValue("live/fft_size", "1000")  # not a power of two
    qsettings.setValue("display/spectrum_min_db", "banana")
    assert load_live_settings(qsettings) == LiveSettings()
    assert load_display_settings(qsettings) == DisplaySettings()


def test_dialog_returns_what_was_chosen(qtbot):
    dialog = SettingsDialog(LiveSettings(), DisplaySettings(), InputChoice(), DEVICES)
    qtbot.addWidget(dialog)
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("USB Audio Interface"))
    assert dialog.channel_combo.count() == 3  # mix + 2 channels of that device
    dialog.channel_combo.setCurrentIndex(2)
    dialog.rate_combo.setCurrentIndex(dialog.rate_combo.findData(48_000))
    dialog.fft_combo.setCurrentIndex(dialog.fft_combo.findData(4096))
    dialog.scale_combo.setCurrentIndex(dialog.scale_combo.findData("linear"))
    dialog.spectrum_min_spin.setValue(-90.0)
    live, display, choice = dialog.result_settings()
    assert (live.fft_size, live.frequency_scale) == (4096, "linear")
    assert display.spectrum_min_db == -90.0
    assert (choice.device, choice.channel, choice.sample_rate_hz) == (
        "USB Audio Interface",
        1,
        48_000,
    )


def test_dialog_refuses_an_inverted_level_range(qtbot):
    dialog = SettingsDialog(LiveSettings(), DisplaySettings(), InputChoice(), DEVICES)
    qtbot.addWidget(dialog)
    dialog.spectrum_min_spin.setValue(-10.0)
    dialog.spectrum_max_spin.setValue(-20.0)
    dialog._accept_if_valid()
    assert "lowest level must be below" in dialog.error_label.text()
    assert dialog.result() == 0


def test_window_applies_new_settings_live_and_remembers_them(make_window, qtbot):
    window = make_window()
    window.start_demo()
    qtbot.waitUntil(lambda: window.engine.latest_frame is not None, timeout=5_000)
    live = LiveSettings(fft_size=4096, frequency_scale="linear")
    display = DisplaySettings(spectrum_min_db=-100.0, colour_map="viridis")
    window.apply_settings(live, display, window.input_choice)
    assert not window.spectrum.log_scale and not window.spectrogram.log_scale
    qtbot.waitUntil(lambda: window.engine.latest_frame.spectrum_db.size == 2049, timeout=5_000)
    # Drawn on a linear axis: x in Hz, not log10(Hz).
    qtbot.waitUntil(
        lambda: (
            window.spectrum.raw_curve.getData()[0] is not None
            and window.spectrum.raw_curve.getData()[0].max() > 1000.0
        ),
        timeout=5_000,
    )
    assert window.spectrum.getPlotItem().vb.viewRange()[1][0] == -100.0
    window.close()
    reopened = make_window()
    assert reopened.live_settings == live
    assert reopened.display_settings == display
