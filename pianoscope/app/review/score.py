"""Comparing a take with its score: the use case the review window and `compare-score` share.

Loading the score and transcribing and aligning the take are `pianoscope.score`'s; this is the
one call both front ends make, so they report the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pianoscope.progress import CancelToken, ProgressCallback, no_progress
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score, load_score
from pianoscope.score.take import compare_take_file


@dataclass(frozen=True)
class ScoredTake:
    """The score as read and the take compared with it."""

    score: Score
    comparison: ScoreComparison


def read_score(path: str | Path) -> Score:
    """The score at `path` (MusicXML, MEI or MIDI); raises ScoreError for a bad file."""
    return load_score(path)


def compare_with_score(
    score: Score,
    take: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ScoredTake:
    """Transcribe the take and align it with `score`, note by note and bar by bar."""
    return ScoredTake(score, compare_take_file(score, take, progress=progress, cancel=cancel))
