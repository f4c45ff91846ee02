"""Corrected spectrum: each partial as a damped sinusoid with frequency, decay rate and amplitude.

Model and normalisation
-----------------------
A piano partial is x(t) = a · exp(-gamma (t - t_c)) · cos(2 pi f_l t + phi): amplitude `a` at the
window centre t_c, decay rate gamma (1/s). Its spectrum, without any window, has the magnitude

    M_l(f) = a · a1 / sqrt(a1² + (f - f_l)²),     a1 = gamma / (2 pi)   [Hz]

so that its power M_l² = a² · a1² / (a1² + Δf²) is a Lorentzian of half-width a1 (the design's
core A·a1/(a1² + Δw²) with A = a² · a1), and far from the peak the magnitude falls as
a · a1 / |Δf| (the design's 1/|Δw| leakage tail). We use this single exact function instead of
a core and a tail glued at |Δw| = α1: it is what a damped sinusoid really has, it is continuous
with a continuous slope everywhere, and its peak value is the partial's amplitude, so the curve
reads in the same dBFS as the windowed FFT (a full-scale sine is 0 dBFS) and the difference
between the two is exactly the window's smearing. The corrected spectrum is the power sum
10 log10(sum_l M_l(f)²) (partials are incoherent on average). T60 = 3 ln(10) / gamma.

Estimation
----------
A windowed FFT of a damped sinusoid is the window kernel convolved with the Lorentzian, and at
FFT sizes a piano needs a1 (0.05-3 Hz) is far below one bin, so the peak's shape barely shows the
decay. We measure it from the window instead: with a window w that vanishes at its ends and its
time derivative w', summation by parts gives for a damped complex exponential

    X_w'(f_k) / X_w(f_k) = gamma - 2 pi i (f_l - f_k)

at any bin k near the peak (the reassignment operator). The real part is the decay rate, the
imaginary part the frequency offset, both exact up to noise and to leakage from other partials.
The amplitude then follows by dividing the peak bins by the closed-form spectrum of the damped,
windowed exponential (a geometric series per cosine term of the window).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.fft

from pianoscope.dsp.peaks import pick_peaks
from pianoscope.dsp.stft import to_db
from pianoscope.dsp.windows import (
    coherent_gain,
    cosine_coefficients,
    vanishes_at_edges,
    window,
    window_derivative,
)

T60_FACTOR = 3.0 * math.log(10.0)
# Narrowest line the model draws: a partial that grows or does not decay still shows as a peak.
MIN_MODEL_A1_HZ = 0.01
# A genuine peak's reassigned frequency stays within this many bins of its peak bin; side lobes
# and noise bumps point further away and are dropped.
MAX_REASSIGNMENT_BINS = 0.6


@dataclass(frozen=True)
class Partial:
    """One partial of the corrected spectrum at the centre of the analysis window."""

    freq_hz: float
    amp_db: float
    a1_hz: float
    harmonic: int | None = None
    cents_from_harmonic: float | None = None

    @property
    def decay_rate_per_s(self) -> float:
        """Amplitude decay rate gamma = 2 pi a1 (1/s); negative while a partial still grows."""
        return 2.0 * math.pi * self.a1_hz

    @property
    def t60_s(self) -> float | None:
        """Time to fall 60 dB; None when the partial is not decaying."""
        rate = self.decay_rate_per_s
        return T60_FACTOR / rate if rate > 0.0 else None


def estimate_partials(
    frame: np.ndarray,
    sample_rate_hz: float,
    *,
    window_name: str = "hann",
    max_partials: int = 60,
    range_db: float = 80.0,
) -> tuple[Partial, ...]:
    """Partials of one frame (length = FFT size), sorted by frequency.

    A rectangular window does not vanish at its ends, which the decay estimate needs, so
    partials are then measured with a Hann window.
    """
    frame = np.asarray(frame, dtype=np.float64)
    fft_size = frame.size
    if not vanishes_at_edges(window_name):
        window_name = "hann"
    w = window(window_name, fft_size).astype(np.float64)
    spectrum = scipy.fft.rfft(frame * w)
    derivative_spectrum = scipy.fft.rfft(
        frame * window_derivative(window_name, fft_size, sample_rate_hz)
    )
    scaled = np.abs(spectrum) * (2.0 / coherent_gain(window_name, fft_size))
    bins = pick_peaks(to_db(scaled), max_peaks=max_partials, range_db=range_db)
    bins = bins[bins < spectrum.size - 2]
    if bins.size == 0:
        return ()
    bin_hz = sample_rate_hz / fft_size
    ratio = derivative_spectrum[bins] / spectrum[bins]
    offset_bins = -ratio.imag / (2.0 * np.pi * bin_hz)
    keep = np.abs(offset_bins) <= MAX_REASSIGNMENT_BINS
    bins, offset_bins, decay_rate = bins[keep], offset_bins[keep], ratio.real[keep]
    amplitude = _amplitude(spectrum, bins, offset_bins, decay_rate, window_name, sample_rate_hz)
    freq_hz = (bins + offset_bins) * bin_hz
    return tuple(
        Partial(
            freq_hz=float(f),
            amp_db=float(20.0 * np.log10(max(a, 1e-10))),
            a1_hz=float(g / (2 * np.pi)),
        )
        for f, a, g in zip(freq_hz, amplitude, decay_rate, strict=True)
    )


def damped_kernel(
    offset_bins: np.ndarray,
    decay_rate_per_s: np.ndarray,
    window_name: str,
    fft_size: int,
    sample_rate_hz: float,
) -> np.ndarray:
    """|DFT| at `offset_bins` from the tone of a unit complex tone decaying at `decay_rate_per_s`,
    normalised to 1 at the window centre: sum_n w[n] exp((-gamma + 2 pi i f) (t_n - t_c)).
    """
    offset_bins = np.asarray(offset_bins, dtype=np.float64)
    rate = np.asarray(decay_rate_per_s, dtype=np.float64) / sample_rate_hz
    total = np.zeros(np.broadcast(offset_bins, rate).shape, dtype=np.complex128)
    for m, c in enumerate(cosine_coefficients(window_name)):
        for sign in (1,) if m == 0 else (1, -1):
            exponent = -rate + 2j * np.pi * (offset_bins + sign * m) / fft_size
            weight = (-1) ** m * c * (1.0 if m == 0 else 0.5)
            total += weight * _geometric_sum(exponent, fft_size)
    return np.abs(total) * np.exp(rate * fft_size / 2.0)


def model_power(partials: Sequence[Partial], freq_hz: np.ndarray) -> np.ndarray:
    """Sum over partials of M_l(f)² (linear power, full-scale sine peak = 1) on any axis."""
    freq_hz = np.asarray(freq_hz, dtype=np.float64)
    total = np.zeros(freq_hz.shape)
    for partial in partials:
        a1 = max(partial.a1_hz, MIN_MODEL_A1_HZ)
        amplitude = 10.0 ** (partial.amp_db / 20.0)
        total += amplitude**2 * a1**2 / (a1**2 + (freq_hz - partial.freq_hz) ** 2)
    return total


def corrected_spectrum_db(partials: Sequence[Partial], freq_hz: np.ndarray) -> np.ndarray:
    """The corrected spectrum in dBFS on the axis `freq_hz` (see the module docstring)."""
    return to_db(model_power(partials, freq_hz), power=True)


def display_axis_hz(base_hz: np.ndarray, partials: Sequence[Partial]) -> np.ndarray:
    """`base_hz` plus each partial's peak and +-a1, +-3 a1 points, sorted.

    Lines of a1 below a bin would fall between the points of an FFT axis; adding these points
    lets a plot show every peak at its true height.
    """
    extra = [
        p.freq_hz + k * max(p.a1_hz, MIN_MODEL_A1_HZ) for p in partials for k in (-3, -1, 0, 1, 3)
    ]
    return np.unique(np.concatenate([np.asarray(base_hz, dtype=np.float64), extra]))


def _amplitude(
    spectrum: np.ndarray,
    bins: np.ndarray,
    offset_bins: np.ndarray,
    decay_rate: np.ndarray,
    window_name: str,
    sample_rate_hz: float,
) -> np.ndarray:
    """Least-squares amplitude at the window centre from the peak bin and its two neighbours."""
    fft_size = (spectrum.size - 1) * 2
    neighbours = np.array([-1, 0, 1])
    measured = np.abs(spectrum[bins[:, None] + neighbours])
    kernel = damped_kernel(
        neighbours[None, :] - offset_bins[:, None],
        decay_rate[:, None],
        window_name,
        fft_size,
        sample_rate_hz,
    )
    return 2.0 * np.sum(measured * kernel, axis=1) / np.sum(kernel**2, axis=1)


def _geometric_sum(exponent: np.ndarray, count: int) -> np.ndarray:
    """sum_{n<count} exp(exponent · n), stable near exponent = 0."""
    small = np.abs(exponent) < 1e-9
    safe = np.where(small, 1.0, exponent)
    return np.where(small, count, np.expm1(safe * count) / np.expm1(safe))
