"""Beat times from onset times and a tempo estimate (`onsets.estimate_tempo_bpm`).

The grid starts on the first onset. Each next beat is predicted one period after the last; an
onset within `tolerance` of a period of the prediction becomes the beat, and the period follows
the beats that fell on onsets a little, so a player who drifts is followed without each
ragged chord pulling the grid. A beat with no onset near it (a rest, a held chord) stays where
it was predicted. The grid is only trusted when enough beats fell on onsets: otherwise the
music has no steady beat (or too few notes) and bars would be invented.
"""

from __future__ import annotations

import numpy as np

BEAT_TOLERANCE = 0.2
PERIOD_FOLLOW = 0.25
MAX_PERIOD_DRIFT = 0.2
MIN_BEATS = 8
MIN_ON_ONSET_SHARE = 0.6


def track_beats(
    onset_times_s: np.ndarray,
    tempo_bpm: float | None,
    *,
    tolerance: float = BEAT_TOLERANCE,
    min_beats: int = MIN_BEATS,
    min_on_onset_share: float = MIN_ON_ONSET_SHARE,
) -> np.ndarray | None:
    """Beat times (s) from the first to the last onset, or None without a steady beat.

    None when there is no tempo, or fewer than `min_beats` beats, or fewer than
    `min_on_onset_share` of them, fall within `tolerance` periods of an onset.
    """
    onsets = np.sort(np.asarray(onset_times_s, dtype=np.float64))
    if tempo_bpm is None or not np.isfinite(tempo_bpm) or tempo_bpm <= 0 or onsets.size < 2:
        return None
    nominal_s = 60.0 / tempo_bpm
    period_s = nominal_s
    beats = [float(onsets[0])]
    on_onset = 1
    while beats[-1] + (1.0 - tolerance) * period_s <= onsets[-1]:
        predicted = beats[-1] + period_s
        nearest = float(onsets[np.argmin(np.abs(onsets - predicted))])
        if abs(nearest - predicted) <= tolerance * period_s:
            period_s += PERIOD_FOLLOW * (nearest - beats[-1] - period_s)
            period_s = float(
                np.clip(
                    period_s,
                    (1.0 - MAX_PERIOD_DRIFT) * nominal_s,
                    (1.0 + MAX_PERIOD_DRIFT) * nominal_s,
                )
            )
            beats.append(nearest)
            on_onset += 1
        else:
            beats.append(predicted)
    if on_onset < min_beats or on_onset < min_on_onset_share * len(beats):
        return None
    return np.array(beats)
