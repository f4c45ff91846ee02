"""The score-aligned piano roll as plain data: what to draw where on a bar axis.

The x axis counts bars from the start of the score (2.5 is the middle of the third bar, a
second time through a repeat has its own bars), so the score and the take line up whatever
the tempo. Written notes are outlines at their written place; played notes are filled where
they were played (take time mapped through the bars' start and end times); a missed note is
filled at its written place; a wrong pitch and an extra note sit where they were heard. The
review window and the lesson report draw these with their own colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.score.alignment import MISSED
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score

WRITTEN = "written"
EXTRA = "extra"
# A note heard without an end (confirmed in the audio, lost by the transcription) is drawn
# this long, in bars.
UNKNOWN_LENGTH_BARS = 0.1


@dataclass(frozen=True)
class RollNote:
    """One rectangle: from `start_bar` to `end_bar` on the bar axis, at key `midi`."""

    start_bar: float
    end_bar: float
    midi: int
    kind: str


def roll_notes(score: Score, comparison: ScoreComparison) -> tuple[RollNote, ...]:
    """Every written note (outline) and every played, missed, wrong or extra note (filled)."""
    variant = score.with_repeats if comparison.repeats_played and score.with_repeats else score
    bars = variant.bars
    times_s = np.array([bar.start_s for bar in comparison.bars] + [comparison.bars[-1].end_s])
    positions = np.arange(len(bars) + 1, dtype=float)

    def at_beat(beat: float, index: int) -> float:
        bar = bars[index]
        length = max(bar.end_beat - bar.start_beat, 1e-9)
        return index + (beat - bar.start_beat) / length

    def at_time(time_s: float) -> float:
        return float(np.interp(time_s, times_s, positions))

    items = []
    for written, result in zip(variant.notes, comparison.notes, strict=True):
        start = at_beat(written.onset_beat, written.bar_index)
        end = at_beat(written.onset_beat + written.duration_beat, written.bar_index)
        items.append(RollNote(start, end, written.midi, WRITTEN))
        if result.status == MISSED:
            items.append(RollNote(start, end, written.midi, MISSED))
        elif result.onset_s is not None:
            heard_start = at_time(result.onset_s)
            heard_end = (
                at_time(result.offset_s)
                if result.offset_s is not None
                else heard_start + UNKNOWN_LENGTH_BARS
            )
            midi = result.played_midi if result.played_midi is not None else written.midi
            items.append(RollNote(heard_start, heard_end, midi, result.status))
    for extra in comparison.extras:
        items.append(RollNote(at_time(extra.onset_s), at_time(extra.offset_s), extra.midi, EXTRA))
    return tuple(items)
