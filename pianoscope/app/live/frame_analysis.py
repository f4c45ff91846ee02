"""Turn the newest window of live audio into one immutable LiveFrame for the display.

Stateful only where a meter is: exponential smoothing of the power spectrum by response time and
a decaying peak hold. Everything else comes from the pure functions of `pianoscope.dsp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.app.live.settings import LiveSettings
from pianoscope.dsp.corrected_spectrum import Partial
from pianoscope.dsp.frame import FrameAnalysis, analyse_frame, read_only
from pianoscope.dsp.pitch import PitchEstimate
from pianoscope.dsp.stft import (
    frequencies_hz,
    smooth_power,
    smoothing_coefficient,
    to_db,
)

SCOPE_S = 0.04
CLIP_LEVEL = 0.999


@dataclass(frozen=True)
class LiveFrame:
    """Everything the live panels draw for one moment; arrays are read-only."""

    end_index: int
    time_s: float
    sample_rate_hz: int
    waveform: np.ndarray
    peak_dbfs: float
    rms_dbfs: float
    a_weighted_dbfs: float
    clipped: bool
    freq_hz: np.ndarray
    spectrum_db: np.ndarray
    peak_hold_db: np.ndarray
    corrected_freq_hz: np.ndarray
    corrected_db: np.ndarray
    partials: tuple[Partial, ...]  # every partial, as the corrected spectrum models them
    shown_partials: tuple[Partial, ...]  # the table's and markers': see FrameAnalysis
    pitch: PitchEstimate | None


class LiveAnalyser:
    """Computes LiveFrames from successive windows of `settings.fft_size` samples."""

    def __init__(self, settings: LiveSettings, sample_rate_hz: int) -> None:
        self.settings = settings
        self.sample_rate_hz = sample_rate_hz
        self.freq_hz = read_only(frequencies_hz(settings.fft_size, sample_rate_hz))
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
        analysis = analyse_frame(window, self.sample_rate_hz, window_name=self.settings.window_name)
        power = np.power(10.0, analysis.spectrum_db / 10.0, dtype=np.float32)
        self._smoothed_power = smooth_power(self._smoothed_power, power, self._smoothing)
        spectrum_db = to_db(self._smoothed_power, power=True)
        if self._peak_hold_db is None:
            self._peak_hold_db = spectrum_db.copy()
        else:
            self._peak_hold_db = np.maximum(self._peak_hold_db - self._hold_decay_db, spectrum_db)
        return build_live_frame(
            analysis,
            end_index=end_index,
            time_s=end_index / self.sample_rate_hz,
            sample_rate_hz=self.sample_rate_hz,
            scope=window[-round(SCOPE_S * self.sample_rate_hz) :],
            newest=window[-self.settings.hop_frames :],
            freq_hz=self.freq_hz,
            spectrum_db=spectrum_db,
            peak_hold_db=self._peak_hold_db.copy(),
        )


def build_live_frame(
    analysis: FrameAnalysis,
    *,
    end_index: int,
    time_s: float,
    sample_rate_hz: int,
    scope: np.ndarray,
    newest: np.ndarray,
    freq_hz: np.ndarray | None = None,
    spectrum_db: np.ndarray | None = None,
    peak_hold_db: np.ndarray | None = None,
) -> LiveFrame:
    """The one place a LiveFrame is made, live or at a moment of a recording under review.

    `scope` is the waveform shown (its peak is the peak level), `newest` the audio judged for
    clipping. The spectrum defaults to the analysis's own; the live view passes its smoothed
    spectrum and peak hold instead (without a hold, the spectrum is its own hold).
    """
    spectrum_db = analysis.spectrum_db if spectrum_db is None else read_only(spectrum_db)
    return LiveFrame(
        end_index=end_index,
        time_s=time_s,
        sample_rate_hz=sample_rate_hz,
        waveform=read_only(scope.copy()),
        peak_dbfs=float(to_db(np.array([np.max(np.abs(scope), initial=0.0)]))[0]),
        rms_dbfs=analysis.rms_db,
        a_weighted_dbfs=analysis.a_weighted_db,
        clipped=bool(np.max(np.abs(newest), initial=0.0) >= CLIP_LEVEL),
        freq_hz=analysis.freq_hz if freq_hz is None else freq_hz,
        spectrum_db=spectrum_db,
        peak_hold_db=spectrum_db if peak_hold_db is None else read_only(peak_hold_db),
        corrected_freq_hz=analysis.corrected_freq_hz,
        corrected_db=analysis.corrected_db,
        partials=analysis.partials,
        shown_partials=analysis.shown_partials,
        pitch=analysis.pitch,
    )
