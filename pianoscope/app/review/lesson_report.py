"""What a lesson report says: who, what, when, the summary numbers and the comments.

The PDF itself is drawn by the GUI (Qt's QPdfWriter); this is the Qt-free content, so the same
numbers could go into any other format.
"""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.analysis.result import Analysis
from pianoscope.app.review.dynamics import DynamicMarking, dynamic_markings
from pianoscope.app.review.opening import ReviewedRecording
from pianoscope.library.comment_sidecar import Comment


@dataclass(frozen=True)
class LessonReport:
    title: str
    file_name: str
    student: str
    piece: str
    date: str
    summary: tuple[tuple[str, str], ...]
    markings: tuple[DynamicMarking, ...]
    comments: tuple[Comment, ...]


def lesson_report(
    recording: ReviewedRecording, analysis: Analysis, comments: tuple[Comment, ...]
) -> LessonReport:
    tempo = f"{analysis.tempo_bpm:.0f} BPM" if analysis.tempo_bpm else "no steady tempo"
    summary = [
        ("Duration", format_time(analysis.duration_s)),
        ("Notes played", str(len(analysis.notes))),
        ("Tempo", tempo),
        ("Dynamic range", f"{analysis.dynamic_range_db:.1f} dB"),
        ("Piano", analysis.piano or "not classified"),
        ("Playing form", _shares(analysis.share("form"))),
        ("Intensity", _shares(analysis.share("intensity"))),
    ]
    return LessonReport(
        title=f"Lesson report – {recording.path.name}",
        file_name=recording.path.name,
        student=recording.student or "–",
        piece=recording.piece or "–",
        date=recording.recorded_at.strftime("%Y-%m-%d %H:%M"),
        summary=tuple(summary),
        markings=dynamic_markings(analysis.loudness),
        comments=comments,
    )


def format_time(time_s: float) -> str:
    """m:ss.s, the way a teacher reads a position in a take."""
    minutes, seconds = divmod(max(0.0, time_s), 60.0)
    return f"{int(minutes)}:{seconds:04.1f}"


def _shares(shares: dict[str, float]) -> str:
    if not shares:
        return "not classified"
    return ", ".join(f"{label} {share:.0%}" for label, share in shares.items())
