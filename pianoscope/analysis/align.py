"""Align two performances of the same music in time with dynamic time warping (DTW) on chroma.

The path may only take steps (1, 1), (1, 2) and (2, 1) frames (Sakoe and Chiba's symmetric
pattern with slope constraint P = 1), so one take may be locally up to twice as fast as the
other but never jumps; every step depends only on the two previous rows, so each row is one
vectorised numpy operation. Only a band around the diagonal is searched, which keeps time and
memory linear in the takes' length times the band: minutes of audio align in about a second.
The slope of the path is the local tempo ratio.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from pianoscope.errors import AnalysisError

log = logging.getLogger(__name__)

BAND_FRACTION = 0.25
MIN_BAND_FRAMES = 40
_FROM_LEFT, _FROM_DIAGONAL, _FROM_BELOW = 0, 1, 2


@dataclass(frozen=True)
class Alignment:
    """Matching moments of a reference and a take, seconds from each file's start, increasing."""

    reference_time_s: np.ndarray
    take_time_s: np.ndarray

    def take_time_at(self, reference_time_s: float | np.ndarray) -> np.ndarray:
        """Where in the take the reference's moment(s) are played."""
        return np.interp(reference_time_s, self.reference_time_s, self.take_time_s)

    def tempo_ratio(self, start_s: float | None = None, end_s: float | None = None) -> float:
        """Take tempo / reference tempo over reference times [start_s, end_s] (all by default).

        The least-squares slope of reference time against take time: 1.1 means the take plays
        this stretch 10 % faster. NaN when the stretch holds fewer than 3 path points.
        """
        chosen = np.ones(self.reference_time_s.size, dtype=bool)
        if start_s is not None:
            chosen &= self.reference_time_s >= start_s
        if end_s is not None:
            chosen &= self.reference_time_s <= end_s
        if np.count_nonzero(chosen) < 3:
            return float("nan")
        take, reference = self.take_time_s[chosen], self.reference_time_s[chosen]
        spread = np.var(take)
        if spread <= 0:
            return float("nan")
        return float(np.mean((take - take.mean()) * (reference - reference.mean())) / spread)


def dtw_path(
    reference: np.ndarray, take: np.ndarray, *, band_fraction: float = BAND_FRACTION
) -> tuple[np.ndarray, np.ndarray]:
    """The cheapest path from (0, 0) to the last frames of both, as (reference, take) indices.

    `reference` and `take` are feature frames (rows of unit length; cost = 1 - cosine).
    Raises AnalysisError when the lengths differ by more than a factor of two or the band
    leaves no path.
    """
    n, m = reference.shape[0], take.shape[0]
    if n < 2 or m < 2:
        raise AnalysisError("One of the takes is too short to compare.")
    if not 0.5 <= (m - 1) / (n - 1) <= 2.0:
        raise AnalysisError(
            "The two takes differ more than twice in length; are they the same music?"
        )
    radius = max(MIN_BAND_FRAMES, round(band_fraction * max(n, m)))
    width = min(m, 2 * radius + 1)
    low = np.clip(np.round(np.arange(n) * (m - 1) / (n - 1)).astype(int) - radius, 0, m - width)
    steps = np.zeros((n, width), dtype=np.int8)
    reference = np.asarray(reference, dtype=np.float32)
    take = np.asarray(take, dtype=np.float32)
    inf = np.float32(np.inf)
    previous_cost = np.full(m, inf, dtype=np.float32)  # cost row i - 1, full width
    before = np.full(m + 2, inf, dtype=np.float32)  # D row i - 2, shifted by 2
    last = np.full(m + 2, inf, dtype=np.float32)  # D row i - 1, shifted by 2
    for i in range(n):
        columns = slice(low[i], low[i] + width)
        cost = np.full(m + 1, inf, dtype=np.float32)  # shifted by 1 so cost[j - 1] exists
        cost[low[i] + 1 : low[i] + width + 1] = 1.0 - take[columns] @ reference[i]
        here = cost[low[i] + 1 : low[i] + width + 1]
        if i == 0:
            current = np.full(m + 2, inf, dtype=np.float32)
            current[2] = here[0] if low[0] == 0 else inf
        else:
            j = np.arange(low[i], low[i] + width)
            candidates = np.stack(
                [
                    last[j] + 2.0 * cost[j] + here,  # from (i-1, j-2) through (i, j-1)
                    last[j + 1] + 2.0 * here,  # from (i-1, j-1)
                    before[j + 1] + 2.0 * previous_cost[j] + here,  # from (i-2, j-1)
                ]
            )
            choice = np.argmin(candidates, axis=0)
            current = np.full(m + 2, inf, dtype=np.float32)
            current[j + 2] = candidates[choice, np.arange(width)]
            steps[i] = choice
        before, last = last, current
        previous_cost = cost[1:]
    if not np.isfinite(last[m + 1]):
        raise AnalysisError("The takes could not be aligned; are they the same music?")
    return _backtrack(steps, low, n - 1, m - 1)


def _backtrack(steps: np.ndarray, low: np.ndarray, i: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    path = [(i, j)]
    while i > 0:
        step = steps[i, j - low[i]]
        if step == _FROM_LEFT:
            path += [(i, j - 1), (i - 1, j - 2)]
            i, j = i - 1, j - 2
        elif step == _FROM_DIAGONAL:
            path.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        else:
            path += [(i - 1, j), (i - 2, j - 1)]
            i, j = i - 2, j - 1
    indices = np.array(path[::-1], dtype=np.int64)
    return indices[:, 0], indices[:, 1]


def align(
    reference: np.ndarray,
    take: np.ndarray,
    *,
    frame_s: float,
    reference_offset_s: float = 0.0,
    take_offset_s: float = 0.0,
    band_fraction: float = BAND_FRACTION,
) -> Alignment:
    """Align two feature sequences of frames `frame_s` apart, each starting at its offset."""
    reference_frames, take_frames = dtw_path(reference, take, band_fraction=band_fraction)
    reference_time_s = reference_offset_s + reference_frames * frame_s
    take_time_s = take_offset_s + take_frames * frame_s
    for array in (reference_time_s, take_time_s):
        array.setflags(write=False)
    return Alignment(reference_time_s, take_time_s)
