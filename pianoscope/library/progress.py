"""A student's progress on a piece over time, from the analysis summaries kept in the library.

Only figures already stored are used, so a progress chart of years of lessons opens instantly;
takes not analysed yet still count towards practice minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pianoscope.analysis.result import Analysis
from pianoscope.library.records import AnalysisSummary
from pianoscope.library.store import Library


@dataclass(frozen=True)
class ProgressPoint:
    """The analysed figures of one take."""

    recording_id: int
    recorded_at: dt.datetime
    tempo_bpm: float | None
    dynamic_range_db: float
    note_count: int
    form_share: Mapping[str, float]
    intensity_share: Mapping[str, float]


@dataclass(frozen=True)
class PracticeDay:
    """Minutes recorded on one (local) calendar day."""

    day: dt.date
    minutes: float


@dataclass(frozen=True)
class ProgressSeries:
    """Series over time for one student (and one piece, or all pieces when `piece_id` is None)."""

    student_id: int
    piece_id: int | None
    points: tuple[ProgressPoint, ...]
    practice: tuple[PracticeDay, ...]

    def share_series(self, head: str, label: str) -> tuple[float, ...]:
        """Share of `label` (e.g. "legato" for head "form") in each analysed take; 0 if absent."""
        if head not in ("form", "intensity"):
            raise ValueError(f"head must be 'form' or 'intensity', not {head!r}")
        return tuple(getattr(point, f"{head}_share").get(label, 0.0) for point in self.points)

    @property
    def total_practice_minutes(self) -> float:
        return sum(day.minutes for day in self.practice)


def summary_of(analysis: Analysis) -> AnalysisSummary:
    """The figures of an analysis that the library keeps (DESIGN.md's JSON "summary")."""
    return AnalysisSummary(
        tempo_bpm=analysis.tempo_bpm,
        dynamic_range_db=analysis.dynamic_range_db,
        note_count=len(analysis.notes),
        piano=analysis.piano,
        form_share=analysis.share("form"),
        intensity_share=analysis.share("intensity"),
    )


def progress(library: Library, student_id: int, piece_id: int | None = None) -> ProgressSeries:
    """Tempo, dynamic range, form and intensity shares, note count and practice minutes."""
    points = []
    minutes_by_day: dict[dt.date, float] = defaultdict(float)
    for recording, summary in library.summaries(student_id, piece_id):
        minutes_by_day[recording.recorded_at.astimezone().date()] += recording.duration_s / 60.0
        if summary is None:
            continue
        points.append(
            ProgressPoint(
                recording_id=recording.id,
                recorded_at=recording.recorded_at,
                tempo_bpm=summary.tempo_bpm,
                dynamic_range_db=summary.dynamic_range_db,
                note_count=summary.note_count,
                form_share=summary.form_share,
                intensity_share=summary.intensity_share,
            )
        )
    practice = tuple(PracticeDay(day, minutes) for day, minutes in sorted(minutes_by_day.items()))
    return ProgressSeries(student_id, piece_id, tuple(points), practice)
