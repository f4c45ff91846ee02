"""What a first judgement of the onset peaks says of the peaks struck with each one at harmonic
intervals: the context the peak judge's second stage reads.

A partial of a note starts with that note and sits at one of its harmonic intervals, and so do
its other partials. Judged one by one, the partials of a bright note look like keys struck with
it (the Steinway B's A3 sounds its second to fourth partials louder than its fundamental, and a
room lifts one or another of them by a few decibels more), while in chords the keys at those
places are often struck: the peak's own measures cannot tell the two apart across pianos
(stop 68, docs/transcription.md). Judged together they can: over a bright A3 alone the first
judgement takes the A3 for a key and half believes several of its harmonic places at once (E5
and A5), where a struck E5 stands alone over its A3's partials. So the second stage reads,
beside each peak's own measures, the first stage's probabilities of the peaks struck with it
(within `together_frames`): the likeliest at each harmonic interval below and above (harmonics
2-8), the likeliest fundamental below and what the first stage thinks of that fundamental's
other harmonic places (its siblings: the highest, the sum, how many are likely keys), and how
many of all the peaks struck with it are likely keys, and their sum.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import maximum_filter1d

from pianoscope.transcription.spectrogram import KEY_COUNT

HARMONICS = range(2, 9)
INTERVALS = np.array([round(12.0 * math.log2(harmonic)) for harmonic in HARMONICS])
LIKELY = 0.3  # a first-stage probability this high or more counts as a likely key
CONTEXT_FEATURES = (
    *(f"first below {interval}" for interval in INTERVALS),
    *(f"first above {interval}" for interval in INTERVALS),
    "first fundamental",
    "first siblings highest",
    "first siblings sum",
    "first siblings likely",
    "first together likely",
    "first together sum",
)
_REACH = int(2 * INTERVALS.max())  # key offsets reached: siblings lie within an interval of it


def harmonic_context(
    frames: np.ndarray,
    keys: np.ndarray,
    first: np.ndarray,
    frame_count: int,
    together_frames: int,
) -> np.ndarray:
    """CONTEXT_FEATURES (float32, one row per peak) of the peaks at `frames`, `keys` whose first
    judgement is `first`, over a take of `frame_count` frames."""
    grid = np.zeros((frame_count, KEY_COUNT + 2 * _REACH))
    np.maximum.at(grid, (frames, keys + _REACH), first)
    near = maximum_filter1d(grid, 2 * together_frames + 1, axis=0, mode="constant")
    rows = frames[:, None]
    at = keys[:, None] + _REACH
    below = near[rows, at - INTERVALS[None, :]]
    above = near[rows, at + INTERVALS[None, :]]
    fundamental = below.max(axis=1)
    chosen = below.argmax(axis=1)
    siblings = near[rows, at - INTERVALS[chosen][:, None] + INTERVALS[None, :]]
    siblings[np.arange(len(frames)), chosen] = 0.0  # the peak's own place
    siblings[fundamental == 0.0] = 0.0  # no fundamental below: no siblings
    own = near[frames, keys + _REACH]
    together_likely = (near > LIKELY).sum(axis=1)[frames] - (own > LIKELY)
    together_sum = near.sum(axis=1)[frames] - own
    columns = [
        below,
        above,
        fundamental[:, None],
        siblings.max(axis=1)[:, None],
        siblings.sum(axis=1)[:, None],
        (siblings > LIKELY).sum(axis=1)[:, None],
        together_likely[:, None],
        together_sum[:, None],
    ]
    return np.hstack(columns).astype(np.float32)
