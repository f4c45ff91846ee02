"""Dynamic markings (pp … ff) along a take, read from its loudness curve.

A recording's absolute level depends on the microphone and its gain, so the markings are
relative: the take's median playing level reads mf, and each band is 6 dB wide, about one
step of dynamics on a real piano. What counts as playing is relative too: windows within
`SOUNDING_RANGE_DB` of the take's loudest (`pianoscope.dsp.levels.is_sounding`). Runs
shorter than `MIN_RUN_S` join their neighbour so the markings follow phrases, not single notes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.analysis.result import LoudnessCurve
from pianoscope.dsp.levels import is_sounding, reference_level_db

MARKINGS = ("pp", "p", "mf", "f", "ff")
# Lower edges of p, mf, f and ff in dB relative to the median playing level (mf is centred).
BAND_EDGES_DB = (-9.0, -3.0, 3.0, 9.0)
WINDOW_S = 1.0
MIN_RUN_S = 2.0


@dataclass(frozen=True)
class DynamicMarking:
    """From `start_s` to `end_s` the playing sits in `marking`; `level_db` is its median."""

    start_s: float
    end_s: float
    marking: str
    level_db: float


def dynamic_markings(loudness: LoudnessCurve) -> tuple[DynamicMarking, ...]:
    per_window = max(1, round(WINDOW_S / loudness.frame_s))
    levels = np.asarray(loudness.a_weighted_db, dtype=np.float64)
    count = levels.size // per_window
    if count == 0:
        return ()
    window_db = levels[: count * per_window].reshape(count, per_window).max(axis=1)
    reference_db = reference_level_db(window_db)
    sounding = np.array([is_sounding(level, reference_db) for level in window_db], dtype=bool)
    if not sounding.any():
        return ()
    median_db = float(np.median(window_db[sounding]))
    bands = np.searchsorted(BAND_EDGES_DB, window_db - median_db, side="right")
    window_s = per_window * loudness.frame_s
    runs = _runs(bands, sounding)
    runs = _merge_short(runs, max(1, round(MIN_RUN_S / window_s)))
    return tuple(
        DynamicMarking(
            start * window_s,
            end * window_s,
            MARKINGS[band],
            float(np.median(window_db[start:end][sounding[start:end]])),
        )
        for start, end, band in runs
    )


def _runs(bands: np.ndarray, sounding: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, band) of consecutive sounding windows in the same band."""
    runs: list[tuple[int, int, int]] = []
    for index, (band, loud) in enumerate(zip(bands, sounding, strict=True)):
        if not loud:
            continue
        if runs and runs[-1][1] == index and runs[-1][2] == band:
            runs[-1] = (runs[-1][0], index + 1, int(band))
        else:
            runs.append((index, index + 1, int(band)))
    return runs


def _merge_short(runs: list[tuple[int, int, int]], min_windows: int) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for start, end, band in runs:
        if merged and (end - start < min_windows or merged[-1][2] == band):
            previous = merged[-1]
            merged[-1] = (previous[0], end, previous[2])
        else:
            merged.append((start, end, band))
    return merged
