"""Where each score beat fell in the take: the time map, tempo per bar and onset deviations.

The anchors are the matched notes: for each score onset, the median time of the notes played
there. Where the notes of one onset disagree by a quarter of a beat or more (the transcription
lost one of them and the matcher took a neighbour's note, or it put a held key's note at
another note's attack), the anchor is the time among them that agrees with the neighbouring
onsets: the median of two such times is neither. Anchors that would run backwards (a
mismatched note) are dropped by keeping the longest run of increasing times. Between anchors
time is linear; outside them the median tempo extends the map.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.score.loading import Bar

LOCAL_SPAN_BEATS = 2.0
# Notes of one score onset further apart than this (in beats) disagree about its time.
DISAGREEMENT_BEATS = 0.25
# A bar's tempo needs anchors covering at least this share of it.
MIN_BAR_COVERAGE = 0.5


@dataclass(frozen=True)
class TimeMap:
    """Increasing anchors (score beat, take time in s) and the median seconds per beat."""

    beats: np.ndarray
    times_s: np.ndarray
    seconds_per_beat: float

    @classmethod
    def from_pairs(cls, beats: Sequence[float], times_s: Sequence[float]) -> TimeMap:
        """From matched (score onset beat, performed onset s) pairs, any order."""
        beats_array = np.asarray(beats, dtype=float)
        times_array = np.asarray(times_s, dtype=float)
        unique = np.unique(beats_array)
        at_beat = [times_array[beats_array == b] for b in unique]
        medians = np.array([np.median(times) for times in at_beat])
        seconds_per_beat = _median_step(unique, medians)
        agreed = medians.copy()
        for k, times in enumerate(at_beat):
            if np.ptp(times) < DISAGREEMENT_BEATS * seconds_per_beat or unique.size < 3:
                continue
            others = np.arange(unique.size) != k
            expected_s = np.interp(unique[k], unique[others], medians[others])
            agreed[k] = times[np.argmin(np.abs(times - expected_s))]
        keep = _longest_increasing(agreed)
        anchor_beats, anchor_times = unique[keep], agreed[keep]
        return cls(anchor_beats, anchor_times, _median_step(anchor_beats, anchor_times))

    def time_s(self, beat: float) -> float:
        """Take time of a score beat."""
        if self.beats.size == 0:
            return beat * self.seconds_per_beat
        if beat < self.beats[0]:
            return float(self.times_s[0] - (self.beats[0] - beat) * self.seconds_per_beat)
        if beat > self.beats[-1]:
            return float(self.times_s[-1] + (beat - self.beats[-1]) * self.seconds_per_beat)
        return float(np.interp(beat, self.beats, self.times_s))

    def beat_at(self, time_s: float) -> float:
        """Score beat at a take time (the inverse of `time_s`)."""
        if self.beats.size == 0:
            return time_s / self.seconds_per_beat
        if time_s < self.times_s[0]:
            return float(self.beats[0] - (self.times_s[0] - time_s) / self.seconds_per_beat)
        if time_s > self.times_s[-1]:
            return float(self.beats[-1] + (time_s - self.times_s[-1]) / self.seconds_per_beat)
        return float(np.interp(time_s, self.times_s, self.beats))

    def local_fit(self, beat: float, *, exclude_own: bool) -> tuple[float, float] | None:
        """(expected time s, seconds per beat) of a line through the anchors within
        LOCAL_SPAN_BEATS of `beat`, leaving out the anchor at `beat` itself when asked."""
        near = np.abs(self.beats - beat) <= LOCAL_SPAN_BEATS
        if exclude_own:
            near &= self.beats != beat
        if np.count_nonzero(near) < 2:
            return None
        slope, intercept = np.polyfit(self.beats[near], self.times_s[near], 1)
        if slope <= 0:
            return None
        return float(slope * beat + intercept), float(slope)

    def bar_bpm(self, bar: Bar) -> float | None:
        """Beats per minute over one bar, from the anchors in it and the next downbeat."""
        inside = (self.beats >= bar.start_beat) & (self.beats <= bar.end_beat)
        beats, times = self.beats[inside], self.times_s[inside]
        span = bar.end_beat - bar.start_beat
        if beats.size < 2 or span <= 0 or (beats[-1] - beats[0]) < MIN_BAR_COVERAGE * span:
            return None
        slope = np.polyfit(beats, times, 1)[0]
        return float(60.0 / slope) if slope > 0 else None


def _median_step(beats: np.ndarray, times_s: np.ndarray) -> float:
    """Median seconds per beat between consecutive anchors (0.5, 120 BPM, with fewer than
    two); steps that run backwards are left out."""
    steps = np.diff(times_s) / np.diff(beats) if beats.size >= 2 else np.array([])
    steps = steps[steps > 0]
    return float(np.median(steps)) if steps.size else 0.5


def _longest_increasing(values: np.ndarray) -> np.ndarray:
    """Indices of a longest strictly increasing subsequence (patience sorting)."""
    tails: list[float] = []
    tail_index: list[int] = []
    previous = np.full(values.size, -1, dtype=int)
    for index, value in enumerate(values):
        position = bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[position] = value
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position else -1
    result = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        result.append(index)
        index = previous[index]
    return np.array(result[::-1], dtype=int)
