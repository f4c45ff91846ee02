"""What a lesson report says: who, what, when, the summary numbers and the comments.

The PDF itself is drawn by the GUI (Qt's QPdfWriter); this is the Qt-free content, so the same
numbers could go into any other format.
"""

from __future__ import annotations

from dataclasses import dataclass

from pianoscope.analysis.label_runs import instrument_text, piano_text
from pianoscope.analysis.result import Analysis
from pianoscope.app.review.dynamics import DynamicMarking, dynamic_markings
from pianoscope.app.review.opening import ReviewedRecording
from pianoscope.library.comment_sidecar import Comment
from pianoscope.score.comparison import ScoreComparison


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
    score_lines: tuple[str, ...] = ()


def lesson_report(
    recording: ReviewedRecording,
    analysis: Analysis,
    comments: tuple[Comment, ...],
    comparison: ScoreComparison | None = None,
) -> LessonReport:
    """The report's content; with a `comparison` it also says how the take follows the score
    (`score_lines`: the summary, the three sentences to say first, then every finding)."""
    tempo = f"{analysis.tempo_bpm:.0f} BPM" if analysis.tempo_bpm else "no steady tempo"
    summary = [
        ("Duration", format_time(analysis.duration_s)),
        ("Notes played", str(len(analysis.notes))),
        ("Tempo", tempo),
        ("Dynamic range", f"{analysis.dynamic_range_db:.1f} dB"),
        ("Piano", piano_summary(analysis)),
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
        score_lines=score_lines(comparison) if comparison is not None else (),
    )


def score_lines(comparison: ScoreComparison) -> tuple[str, ...]:
    """What the report says about the take against its score."""
    played = round(comparison.played_share * len(comparison.notes))
    tempo = f", about {comparison.played_bpm:.0f} BPM" if comparison.played_bpm else ""
    lines = [
        f"Against the score of {comparison.score_title}: {played} of "
        f"{len(comparison.notes)} notes played{tempo}.",
        *(f"{number}. {text}" for number, text in enumerate(comparison.headline, 1)),
    ]
    if comparison.findings:
        lines += ["Bar by bar:", *(f"• {finding.text}" for finding in comparison.findings)]
    return tuple(lines)


def format_time(time_s: float) -> str:
    """m:ss.s, the way a teacher reads a position in a take."""
    minutes, seconds = divmod(max(0.0, time_s), 60.0)
    return f"{int(minutes)}:{seconds:04.1f}"


def piano_summary(analysis: Analysis) -> str:
    """Which piano played and how much of the classified time a piano played at all, e.g.
    "another piano (piano 85 %, not a piano 15 %)"; form and intensity are counted over every
    piano, known or not."""
    instrument = analysis.share("instrument")
    if analysis.piano is None and not instrument:
        return "not classified"
    if not instrument:  # labels from a labeller that does not say what plays
        return piano_text(analysis.piano)
    heard = ", ".join(f"{instrument_text(name)} {share:.0%}" for name, share in instrument.items())
    return f"{piano_text(analysis.piano)} ({heard})"


def _shares(shares: dict[str, float]) -> str:
    if not shares:
        return "not classified"
    return ", ".join(f"{label} {share:.0%}" for label, share in shares.items())
