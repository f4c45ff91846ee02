"""Everything about one analysis window: dB spectrum, corrected spectrum, partials, pitch, levels.

`analyse_frame` is the single-window entry point for the live analysis thread and for
`pianoscope spectrum`; it is stateless (smoothing and peak hold belong to the caller) and takes
about 1-2 ms for an 8192-sample window on one core.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import scipy.fft

from pianoscope.dsp.corrected_spectrum import (
    Partial,
    corrected_spectrum_db,
    display_axis_hz,
    estimate_partials,
)
from pianoscope.dsp.levels import FULL_SCALE_SINE_RMS, a_weighting_gain, rms_db
from pianoscope.dsp.noise_floor import SHOWN_ABOVE_NOISE_DB, noise_floor_db
from pianoscope.dsp.pitch import PitchEstimate, estimate_pitch
from pianoscope.dsp.stft import frequencies_hz, to_db
from pianoscope.dsp.windows import check_fft_size, coherent_gain, window

# Below this RMS level no partials are sought: nothing is playing.
PARTIALS_FLOOR_DB = -75.0


@dataclass(frozen=True)
class FrameAnalysis:
    """One window's results; arrays are read-only."""

    freq_hz: np.ndarray
    spectrum_db: np.ndarray
    corrected_freq_hz: np.ndarray
    corrected_db: np.ndarray
    partials: tuple[Partial, ...]
    pitch: PitchEstimate | None
    rms_db: float
    a_weighted_db: float
    noise_floor_db: np.ndarray  # per frequency of `freq_hz`: see `dsp.noise_floor`

    @property
    def note_partials(self) -> tuple[Partial, ...]:
        """The partials of the dominant note, by harmonic number."""
        return tuple(sorted((p for p in self.partials if p.harmonic), key=lambda p: p.harmonic))

    @property
    def shown_partials(self) -> tuple[Partial, ...]:
        """What a teacher is shown: the sounding note's partials by harmonic number, then the
        other peaks loudest first; peaks less than SHOWN_ABOVE_NOISE_DB above the local noise
        floor are left out (the corrected spectrum still models every partial)."""
        at_hz = np.array([p.freq_hz for p in self.partials], dtype=np.float64)
        floors_db = np.interp(at_hz, self.freq_hz, self.noise_floor_db) + SHOWN_ABOVE_NOISE_DB
        audible = [
            p for p, floor_db in zip(self.partials, floors_db, strict=True) if p.amp_db > floor_db
        ]
        note = sorted((p for p in audible if p.harmonic), key=lambda p: p.harmonic)
        others = sorted((p for p in audible if not p.harmonic), key=lambda p: -p.amp_db)
        return tuple(note + others)

    def floor_at(self, freq_hz: float) -> float:
        """The level a peak at `freq_hz` must exceed to be shown (noise floor + margin)."""
        return float(np.interp(freq_hz, self.freq_hz, self.noise_floor_db)) + SHOWN_ABOVE_NOISE_DB


def analyse_frame(
    samples: np.ndarray, sample_rate_hz: int, *, window_name: str = "hann"
) -> FrameAnalysis:
    """Analyse one window (its length is the FFT size, 1024..32768)."""
    samples = np.asarray(samples, dtype=np.float32)
    check_fft_size(samples.size)
    freq_hz = frequencies_hz(samples.size, sample_rate_hz)
    spectrum = scipy.fft.rfft(samples * window(window_name, samples.size))
    scaled = np.abs(spectrum) * (2.0 / coherent_gain(window_name, samples.size))
    level_db = rms_db(samples)
    partials: tuple[Partial, ...] = ()
    if level_db > PARTIALS_FLOOR_DB:
        partials = estimate_partials(samples, sample_rate_hz, window_name=window_name)
    pitch = estimate_pitch(partials) if partials else None
    if pitch is not None:
        partials = label_harmonics(partials, pitch)
    corrected_freq_hz = display_axis_hz(freq_hz, partials)
    spectrum_db = to_db(scaled)
    return FrameAnalysis(
        freq_hz=read_only(freq_hz),
        spectrum_db=read_only(spectrum_db),
        corrected_freq_hz=read_only(corrected_freq_hz),
        corrected_db=read_only(corrected_spectrum_db(partials, corrected_freq_hz)),
        partials=partials,
        pitch=pitch,
        rms_db=level_db,
        a_weighted_db=_a_weighted_db(spectrum, freq_hz, window_name),
        noise_floor_db=read_only(noise_floor_db(spectrum_db, freq_hz)),
    )


def label_harmonics(partials: tuple[Partial, ...], pitch: PitchEstimate) -> tuple[Partial, ...]:
    """Partials with harmonic numbers from the pitch fit and cents from n times the pitch."""
    labelled = []
    for partial, harmonic in zip(partials, pitch.fit.harmonics, strict=True):
        cents = 1200.0 * math.log2(partial.freq_hz / (harmonic * pitch.f0_hz)) if harmonic else None
        labelled.append(dataclasses.replace(partial, harmonic=harmonic, cents_from_harmonic=cents))
    return tuple(labelled)


def _a_weighted_db(spectrum: np.ndarray, freq_hz: np.ndarray, window_name: str) -> float:
    """A-weighted RMS level in dBFS from the windowed spectrum (Parseval)."""
    w = window(window_name, (spectrum.size - 1) * 2).astype(np.float64)
    power = np.abs(spectrum) ** 2 * a_weighting_gain(freq_hz) ** 2
    power[1:-1] *= 2.0
    mean_square = power.sum() / w.size / np.sum(w**2)
    return float(to_db(np.array([mean_square / FULL_SCALE_SINE_RMS**2]), power=True)[0])


def read_only(array: np.ndarray) -> np.ndarray:
    """`array` (as an ndarray) made read-only: results that cross threads cannot be changed."""
    array = np.asarray(array)
    array.flags.writeable = False
    return array
