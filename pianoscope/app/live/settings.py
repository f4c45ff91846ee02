"""Settings of the live view that the engine needs (the GUI persists them with QSettings)."""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.dsp.windows import WINDOW_NAMES, check_fft_size

FREQUENCY_SCALES = ("log", "linear")


@dataclass(frozen=True)
class LiveSettings:
    """How the live spectra are computed and how much spectrogram is kept."""

    fft_size: int = 8192
    window_name: str = "hann"
    hop_frames: int = 1024
    response_time_s: float = 0.125
    peak_hold_decay_db_per_s: float = 20.0
    spectrogram_s: float = 10.0
    spectrogram_rows: int = 384
    frequency_scale: str = "log"
    min_freq_hz: float = 25.0
    max_freq_hz: float = 16_000.0

    def __post_init__(self) -> None:
        check_fft_size(self.fft_size)
        if self.window_name not in WINDOW_NAMES:
            raise ValueError(f"unknown window {self.window_name!r}")
        if self.frequency_scale not in FREQUENCY_SCALES:
            raise ValueError(f"frequency scale must be one of {FREQUENCY_SCALES}")
        if self.hop_frames < 64:
            raise ValueError("hop_frames must be at least 64")
        if not 0 < self.min_freq_hz < self.max_freq_hz:
            raise ValueError("need 0 < min_freq_hz < max_freq_hz")
