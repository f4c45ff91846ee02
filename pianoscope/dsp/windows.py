"""Analysis windows (Hann, Blackman-Harris, rectangular) and their time derivatives.

All three are generalised cosine windows, w[n] = sum_m (-1)^m c_m cos(2 pi m n / N), taken in
their periodic (DFT-even) form so that frames overlap-add cleanly. The analytic derivative is
what the corrected spectrum needs: the ratio of the derivative-window and window spectra gives
a partial's frequency and decay rate exactly (see `corrected_spectrum`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

WINDOW_NAMES = ("hann", "blackman-harris", "rectangular")

_COSINE_COEFFICIENTS: dict[str, tuple[float, ...]] = {
    "hann": (0.5, 0.5),
    # 4-term Blackman-Harris (92 dB side lobes), Harris 1978.
    "blackman-harris": (0.35875, 0.48829, 0.14128, 0.01168),
    "rectangular": (1.0,),
}

MIN_FFT_SIZE = 1024
MAX_FFT_SIZE = 32768


def cosine_coefficients(name: str) -> tuple[float, ...]:
    """The c_m of a window name; raises ValueError for an unknown window."""
    try:
        return _COSINE_COEFFICIENTS[name]
    except KeyError:
        raise ValueError(
            f"unknown window {name!r}; choose one of {', '.join(WINDOW_NAMES)}"
        ) from None


def check_fft_size(fft_size: int) -> None:
    """Reject FFT sizes outside 1024..32768 or not a power of two."""
    if not MIN_FFT_SIZE <= fft_size <= MAX_FFT_SIZE or fft_size & (fft_size - 1):
        raise ValueError(
            f"FFT size must be a power of two from {MIN_FFT_SIZE} to {MAX_FFT_SIZE}, not {fft_size}"
        )


@lru_cache(maxsize=32)
def window(name: str, size: int) -> np.ndarray:
    """Periodic window of `size` samples as read-only float32."""
    phase = 2.0 * np.pi * np.arange(size) / size
    values = np.zeros(size)
    for m, c in enumerate(cosine_coefficients(name)):
        values += (-1) ** m * c * np.cos(m * phase)
    result = values.astype(np.float32)
    result.flags.writeable = False
    return result


@lru_cache(maxsize=32)
def window_derivative(name: str, size: int, sample_rate_hz: float) -> np.ndarray:
    """dw/dt of the periodic window in 1/s, as read-only float64."""
    phase = 2.0 * np.pi * np.arange(size) / size
    phase_rate = 2.0 * np.pi * sample_rate_hz / size
    values = np.zeros(size)
    for m, c in enumerate(cosine_coefficients(name)):
        values -= (-1) ** m * c * m * phase_rate * np.sin(m * phase)
    values.flags.writeable = False
    return values


def coherent_gain(name: str, size: int) -> float:
    """Sum of the window: the DFT magnitude of a unit complex tone centred on a bin."""
    return float(np.sum(window(name, size), dtype=np.float64))


def vanishes_at_edges(name: str) -> bool:
    """True when the window goes to (almost) zero at its ends, as the reassignment ratio needs."""
    return abs(sum((-1) ** m * c for m, c in enumerate(cosine_coefficients(name)))) < 1e-3
