"""Turn the newest window of live audio into one immutable LiveFrame for the display.

Stateful only where a meter is: exponential smoothing of the power spectrum by response time and
a decaying peak hold. Everything else comes from the pure functions of `pianoscope.dsp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.app.live_settings import LiveSettings
from pianoscope.dsp.corrected_spectrum import (
    Partial,
    corrected_spectrum_db,
    display_axis_hz,
    estimate_partials,
)
from pianoscope.dsp.levels import rms_db
from pianoscope.dsp.pitch import PitchEstimate, estimate_pitch
from pianoscope.dsp.stft import (
    SILENCE_DB,
    frequencies_hz,
    magnitude,
    smooth_power,
    smoothing_coefficient,
    to_db,
)

SCOPE_S = 0.04
CLIP_LEVEL = 0.999
# Below this level no partials are sought: nothing is playing.
PARTIALS_FLOOR_DBFS = -75.0


@dataclass(frozen=True)
class LiveFrame:
    """Everything the live panels draw for one moment; arrays are read-only."""

    end_index: int
    time_s: float
    sample_rate_hz: int
    waveform: np.ndarray
    peak_dbfs: float
    rms_dbfs: float
    clipped: bool
    freq_hz: np.ndarray
    spectrum_db: np.ndarray
    peak_hold_db: np.ndarray
    corrected_freq_hz: np.ndarray
    corrected_db: np.ndarray
    partials: tuple[Partial, ...]
    pitch: PitchEstimate | None


class LiveAnalyser:
    """Computes LiveFrames from successive windows of `settings.fft_size` samples."""

    def __init__(self, settings: LiveSettings, sample_rate_hz: int) -> None:
        self.settings = settings
        self.sample_rate_hz = sample_rate_hz
        self.freq_hz = _read_only(frequencies_hz(settings.fft_size, sample_rate_hz))
        hop_s = settings.hop_frames / sample_rate_hz
        self._smoothing = smoothing_coefficient(settings.response_time_s, hop_s)
        self._hold_decay_db = settings.peak_hold_decay_db_per_s * hop_s
        self._smoothed_power: np.ndarray | None = None
        self._peak_hold_db: np.ndarray | None = None

    def analyse(self, window: np.ndarray, end_index: int) -> LiveFrame:
        """Analyse the newest `fft_size` samples (zero-padded at the front if fewer)."""
        fft_size = self.settings.fft_size
        if window.size < fft_size:
            window = np.concatenate([np.zeros(fft_size - window.size, np.float32), window])
        power = np.square(magnitude(window[None, :], self.settings.window_name)[0])
        self._smoothed_power = smooth_power(self._smoothed_power, power, self._smoothing)
        spectrum_db = to_db(self._smoothed_power, power=True)
        if self._peak_hold_db is None:
            self._peak_hold_db = spectrum_db.copy()
        else:
            self._peak_hold_db = np.maximum(self._peak_hold_db - self._hold_decay_db, spectrum_db)
        level_dbfs = rms_db(window[-self.settings.hop_frames :])
        partials: tuple[Partial, ...] = ()
        if level_dbfs > PARTIALS_FLOOR_DBFS:
            partials = estimate_partials(
                window, self.sample_rate_hz, window_name=self.settings.window_name
            )
        pitch = estimate_pitch(partials) if partials else None
        corrected_freq_hz = display_axis_hz(self.freq_hz, partials)
        corrected_db = (
            corrected_spectrum_db(partials, corrected_freq_hz)
            if partials
            else np.full(corrected_freq_hz.size, SILENCE_DB, np.float32)
        )
        scope = window[-round(SCOPE_S * self.sample_rate_hz) :]
        peak = float(np.max(np.abs(scope))) if scope.size else 0.0
        return LiveFrame(
            end_index=end_index,
            time_s=end_index / self.sample_rate_hz,
            sample_rate_hz=self.sample_rate_hz,
            waveform=_read_only(scope.copy()),
            peak_dbfs=float(to_db(np.array([peak]))[0]),
            rms_dbfs=level_dbfs,
            clipped=bool(np.max(np.abs(window[-self.settings.hop_frames :])) >= CLIP_LEVEL),
            freq_hz=self.freq_hz,
            spectrum_db=_read_only(spectrum_db),
            peak_hold_db=_read_only(self._peak_hold_db.copy()),
            corrected_freq_hz=_read_only(np.asarray(corrected_freq_hz)),
            corrected_db=_read_only(np.asarray(corrected_db, dtype=np.float32)),
            partials=partials,
            pitch=pitch,
        )


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
