"""The settings dialog: input (device, channel, rate, block size), analysis and display."""

from __future__ import annotations

import dataclasses

from pianoscope.app.live.session import InputChoice, InputDevice
from pianoscope.app.live.settings import FREQUENCY_SCALES, LiveSettings
from pianoscope.dsp.windows import WINDOW_NAMES
from pianoscope.gui.qt import QtWidgets, pg
from pianoscope.gui.settings_store import DisplaySettings

FFT_SIZES = (1024, 2048, 4096, 8192, 16384, 32768)
SAMPLE_RATES_HZ = (22_050, 32_000, 44_100, 48_000, 88_200, 96_000)
BLOCK_SIZES = (128, 256, 512, 1024, 2048, 4096)
COLOUR_MAPS = ("inferno", "viridis", "magma", "plasma", "CET-L1")


class SettingsDialog(QtWidgets.QDialog):
    """Edits copies of the settings; `result_settings()` returns the new frozen values."""

    def __init__(
        self,
        live: LiveSettings,
        display: DisplaySettings,
        choice: InputChoice,
        devices: list[InputDevice],
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pianoscope settings")
        self._live, self._display, self._choice = live, display, choice
        self._devices = devices
        tabs = QtWidgets.QTabWidget()
        tabs.addTab(self._input_page(), "Input")
        tabs.addTab(self._analysis_page(), "Analysis")
        tabs.addTab(self._display_page(), "Display")
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        self.error_label = QtWidgets.QLabel()
        self.error_label.setStyleSheet("color:#a94442;")
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    # -- pages -------------------------------------------------------------------------------
    def _input_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        self.device_combo = QtWidgets.QComboBox()
        self.device_combo.addItem("System default", None)
        for device in self._devices:
            self.device_combo.addItem(
                f"{device.index}: {device.name} ({device.host_api})", device.name
            )
        _select(self.device_combo, self._choice.device)
        self.device_combo.currentIndexChanged.connect(self._fill_channels)
        self.channel_combo = QtWidgets.QComboBox()
        self._fill_channels()
        _select(self.channel_combo, self._choice.channel)
        self.rate_combo = _combo(SAMPLE_RATES_HZ, self._choice.sample_rate_hz, "{} Hz")
        self.block_combo = _combo(BLOCK_SIZES, self._choice.block_frames, "{} frames")
        form.addRow("Device", self.device_combo)
        form.addRow("Channel", self.channel_combo)
        form.addRow("Sample rate", self.rate_combo)
        form.addRow("Block size", self.block_combo)
        return page

    def _analysis_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        live = self._live
        self.fft_combo = _combo(FFT_SIZES, live.fft_size, "{}")
        self.window_combo = _combo(WINDOW_NAMES, live.window_name, "{}")
        self.response_spin = _spin(0.0, 5.0, live.response_time_s, " s", decimals=3)
        self.hold_spin = _spin(0.0, 200.0, live.peak_hold_decay_db_per_s, " dB/s")
        self.scale_combo = _combo(FREQUENCY_SCALES, live.frequency_scale, "{}")
        self.length_spin = _spin(2.0, 120.0, live.spectrogram_s, " s")
        form.addRow("FFT size", self.fft_combo)
        form.addRow("Window", self.window_combo)
        form.addRow("Response time", self.response_spin)
        form.addRow("Peak hold decay", self.hold_spin)
        form.addRow("Frequency scale", self.scale_combo)
        form.addRow("Spectrogram length", self.length_spin)
        return page

    def _display_page(self) -> QtWidgets.QWidget:
        page = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(page)
        display = self._display
        self.spectrum_min_spin = _spin(-200.0, 0.0, display.spectrum_min_db, " dB")
        self.spectrum_max_spin = _spin(-150.0, 20.0, display.spectrum_max_db, " dB")
        self.spectrogram_min_spin = _spin(-200.0, 0.0, display.spectrogram_min_db, " dB")
        self.spectrogram_max_spin = _spin(-150.0, 20.0, display.spectrogram_max_db, " dB")
        maps = [name for name in COLOUR_MAPS if name in pg.colormap.listMaps()]
        self.colour_combo = _combo(maps, display.colour_map, "{}")
        form.addRow("Spectrum from", self.spectrum_min_spin)
        form.addRow("Spectrum to", self.spectrum_max_spin)
        form.addRow("Spectrogram from", self.spectrogram_min_spin)
        form.addRow("Spectrogram to", self.spectrogram_max_spin)
        form.addRow("Colour map", self.colour_combo)
        return page

    def _fill_channels(self) -> None:
        self.channel_combo.clear()
        self.channel_combo.addItem("Mix all channels", None)
        name = self.device_combo.currentData()
        device = next((d for d in self._devices if d.name == name), None)
        for channel in range(min(device.max_input_channels, 32) if device else 2):
            self.channel_combo.addItem(f"Channel {channel + 1}", channel)

    # -- results -----------------------------------------------------------------------------
    def result_settings(self) -> tuple[LiveSettings, DisplaySettings, InputChoice]:
        """The edited settings; raises ValueError with a readable reason if they clash."""
        live = dataclasses.replace(
            self._live,
            fft_size=self.fft_combo.currentData(),
            window_name=self.window_combo.currentData(),
            response_time_s=self.response_spin.value(),
            peak_hold_decay_db_per_s=self.hold_spin.value(),
            frequency_scale=self.scale_combo.currentData(),
            spectrogram_s=self.length_spin.value(),
        )
        display = dataclasses.replace(
            self._display,
            spectrum_min_db=self.spectrum_min_spin.value(),
            spectrum_max_db=self.spectrum_max_spin.value(),
            spectrogram_min_db=self.spectrogram_min_spin.value(),
            spectrogram_max_db=self.spectrogram_max_spin.value(),
            colour_map=self.colour_combo.currentData(),
        )
        choice = dataclasses.replace(
            self._choice,
            device=self.device_combo.currentData(),
            channel=self.channel_combo.currentData(),
            sample_rate_hz=self.rate_combo.currentData(),
            block_frames=self.block_combo.currentData(),
        )
        return live, display, choice

    def _accept_if_valid(self) -> None:
        try:
            self.result_settings()
        except ValueError as error:
            self.error_label.setText(str(error))
            return
        self.accept()


def _combo(values, current, label: str) -> QtWidgets.QComboBox:
    combo = QtWidgets.QComboBox()
    for value in values:
        combo.addItem(label.format(value), value)
    _select(combo, current)
    return combo


def _select(combo: QtWidgets.QComboBox, value: object) -> None:
    """Select the item holding `value`; None selects the first item (the default choice)."""
    index = 0 if value is None else combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def _spin(
    low: float, high: float, value: float, suffix: str, *, decimals: int = 1
) -> QtWidgets.QDoubleSpinBox:
    spin = QtWidgets.QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin
