"""Spectral peak picking, plus the classic sub-bin estimators it is compared with."""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks


def pick_peaks(
    level_db: np.ndarray,
    *,
    max_peaks: int = 60,
    range_db: float = 80.0,
    above_floor_db: float = 15.0,
    min_prominence_db: float = 6.0,
    first_bin: int = 2,
) -> np.ndarray:
    """Bins of the strongest local maxima, sorted by bin.

    A peak must stand `min_prominence_db` above its surroundings, lie within `range_db` of the
    strongest peak and `above_floor_db` above the median level (a robust noise floor: most bins of
    a piano spectrum hold no partial). Bins below `first_bin` (DC) are ignored.
    """
    level_db = np.asarray(level_db, dtype=np.float32)
    if level_db.size <= first_bin + 2:
        return np.zeros(0, dtype=np.int64)
    body = level_db[first_bin:]
    floor_db = float(np.median(body))
    threshold_db = max(float(body.max()) - range_db, floor_db + above_floor_db)
    bins, properties = find_peaks(body, height=threshold_db, prominence=min_prominence_db, wlen=64)
    if bins.size > max_peaks:
        strongest = np.argsort(properties["peak_heights"])[::-1][:max_peaks]
        bins = np.sort(bins[strongest])
    return bins + first_bin


def argmax_frequency_hz(level_db: np.ndarray, peak_bin: int, bin_hz: float) -> float:
    """Frequency of the peak bin itself: error up to half a bin."""
    return peak_bin * bin_hz


def parabolic_frequency_hz(level_db: np.ndarray, peak_bin: int, bin_hz: float) -> float:
    """Vertex of the parabola through the dB levels of the peak bin and its two neighbours."""
    left, centre, right = (float(v) for v in level_db[peak_bin - 1 : peak_bin + 2])
    denominator = left - 2.0 * centre + right
    offset = 0.0 if denominator == 0.0 else 0.5 * (left - right) / denominator
    return (peak_bin + offset) * bin_hz
