"""Harmonic numbers and the inharmonicity coefficient B of a stiff string.

A piano string's partials lie at f_n = n · f0 · sqrt(1 + B n²). Squaring gives a straight line
(f_n / n)² = f0² + f0² B · n², so once partials carry harmonic numbers a weighted linear
least-squares fit yields f0 and B. Numbers are assigned from the low partials first (where
inharmonicity is small) and the fit is widened step by step, so a stretched upper series is
still labelled correctly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A partial is a harmonic when it lies within this fraction of f0 of the predicted frequency.
MATCH_TOLERANCE_F0 = 0.2
MAX_INHARMONICITY_B = 0.05
_HARMONIC_LIMITS = (4, 8, 16, 32, 64)


@dataclass(frozen=True)
class HarmonicFit:
    """The stiff-string fit of a set of partials."""

    f0_hz: float
    inharmonicity_b: float
    harmonics: tuple[int | None, ...]

    def partial_hz(self, harmonic: int) -> float:
        """Predicted frequency of partial `harmonic`, Hz."""
        return harmonic * self.f0_hz * float(np.sqrt(1.0 + self.inharmonicity_b * harmonic**2))

    @property
    def first_partial_hz(self) -> float:
        """Frequency of the lowest partial: the pitch a tuner shows."""
        return self.partial_hz(1)


def fit_harmonics(
    freq_hz: np.ndarray, weights: np.ndarray, f0_guess_hz: float, *, max_harmonic: int = 64
) -> HarmonicFit:
    """Assign harmonic numbers to partials near multiples of `f0_guess_hz` and fit f0 and B."""
    freq_hz = np.asarray(freq_hz, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    f0_hz, b = f0_guess_hz, 0.0
    numbers = np.zeros(freq_hz.size, dtype=np.int64)
    for limit in (*[h for h in _HARMONIC_LIMITS if h < max_harmonic], max_harmonic):
        numbers = _assign(freq_hz, f0_hz, b, limit)
        f0_hz, b = _fit(freq_hz, weights, numbers, f0_hz, b)
    numbers = _assign(freq_hz, f0_hz, b, max_harmonic)
    return HarmonicFit(
        f0_hz=f0_hz,
        inharmonicity_b=b,
        harmonics=tuple(int(n) if n > 0 else None for n in numbers),
    )


def _assign(freq_hz: np.ndarray, f0_hz: float, b: float, limit: int) -> np.ndarray:
    """Harmonic number of each partial, 0 when it matches none up to `limit`."""
    n = np.arange(1, limit + 1)
    predicted = n * f0_hz * np.sqrt(1.0 + b * n**2)
    nearest = np.abs(freq_hz[:, None] - predicted[None, :]).argmin(axis=1)
    distance = np.abs(freq_hz - predicted[nearest])
    numbers = np.where(distance <= MATCH_TOLERANCE_F0 * f0_hz, nearest + 1, 0)
    # One partial per harmonic: keep the closest when two compete (the first of equals). All at
    # once, by harmonic then distance, rather than a loop per harmonic: the live analysis
    # assigns six times a hop.
    matched = np.flatnonzero(numbers)
    by_harmonic = matched[np.lexsort((distance[matched], numbers[matched]))]
    runner_up = numbers[by_harmonic[1:]] == numbers[by_harmonic[:-1]]
    numbers[by_harmonic[1:][runner_up]] = 0
    return numbers


def _fit(
    freq_hz: np.ndarray, weights: np.ndarray, numbers: np.ndarray, f0_hz: float, b: float
) -> tuple[float, float]:
    """Weighted least squares of (f/n)² on n²; falls back to B = 0 with too few harmonics."""
    used = numbers > 0
    if not used.any():
        return f0_hz, b
    n = numbers[used].astype(np.float64)
    y = (freq_hz[used] / n) ** 2
    w = weights[used]
    if np.unique(n).size < 3:
        return float(np.sqrt(np.average(y, weights=w))), 0.0
    design = np.stack([np.ones_like(n), n**2], axis=1) * np.sqrt(w)[:, None]
    (intercept, slope), *_ = np.linalg.lstsq(design, y * np.sqrt(w), rcond=None)
    if intercept <= 0.0:
        return f0_hz, b
    b_fit = float(np.clip(slope / intercept, 0.0, MAX_INHARMONICITY_B))
    if b_fit == 0.0:
        return float(np.sqrt(np.average(y, weights=w))), 0.0
    return float(np.sqrt(intercept)), b_fit
