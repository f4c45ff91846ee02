"""Analyse takes filed in the library and keep their summaries there, for progress charts.

This is the background job the GUI runs after a take is filed; it only needs its own `Library`
(or a shared one): the store serialises writes, so the window can keep adding comments.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import SegmentLabeller
from pianoscope.app.segment_labeller import take_labeller
from pianoscope.app.take_calibration import take_calibration
from pianoscope.errors import PianoscopeError
from pianoscope.library.progress import summary_of
from pianoscope.library.records import AnalysisSummary, Recording
from pianoscope.library.store import Library
from pianoscope.progress import Cancelled, CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)


def analyse_recording(
    library: Library,
    recording_id: int,
    *,
    labeller: SegmentLabeller | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> AnalysisSummary:
    """Analyse one filed take, with the calibration it was recorded with, and store its
    summary; without a labeller, shares stay empty."""
    recording = library.recording(recording_id)
    path = library.path_of(recording)
    calibration = take_calibration(path, stored=recording.calibration)
    labeller = take_labeller(labeller, calibration)
    analysis = analyse_file(
        path, progress=progress, cancel=cancel, labeller=labeller, calibration=calibration
    )
    summary = summary_of(analysis)
    library.store_summary(recording.id, summary)
    log.info("analysed %s: %d notes", recording.path, summary.note_count)
    return summary


def not_analysed(library: Library) -> list[Recording]:
    """Takes (not in the trash) that have no stored summary yet, oldest first."""
    return [r for r in library.recordings() if library.summary(r.id) is None]


@dataclass(frozen=True)
class SkippedTake:
    """A take that could not be analysed (damaged audio, file gone) and why, for the teacher."""

    recording: Recording
    reason: str


@dataclass(frozen=True)
class PendingAnalysis:
    """What `analyse_pending` did: takes analysed, and takes skipped with the reason."""

    analysed: tuple[Recording, ...]
    skipped: tuple[SkippedTake, ...]


def progress_over_takes(
    progress: ProgressCallback,
) -> Callable[[int, int, Recording], ProgressCallback]:
    """`analyse_pending`'s `progress_for` that reports the fraction of all its takes done to
    `progress` (each take an equal share), for one progress bar over the whole job."""

    def progress_for(index: int, count: int, _recording: Recording) -> ProgressCallback:
        return lambda fraction: progress((index - 1 + fraction) / count)

    return progress_for


def analyse_pending(
    library: Library,
    *,
    labeller: SegmentLabeller | None = None,
    progress_for: Callable[[int, int, Recording], ProgressCallback] | None = None,
    cancel: CancelToken | None = None,
) -> PendingAnalysis:
    """Analyse every take not analysed yet; a take that fails is skipped and reported.

    One damaged or vanished take must not keep every later take from being analysed, on every
    run; so any failure of one take (not a cancel) is caught here, at the per-take boundary.
    `progress_for(index, count, recording)` gives the progress callback of each take.
    """
    pending = not_analysed(library)
    analysed: list[Recording] = []
    skipped: list[SkippedTake] = []
    for index, recording in enumerate(pending, start=1):
        progress = progress_for(index, len(pending), recording) if progress_for else no_progress
        try:
            analyse_recording(
                library, recording.id, labeller=labeller, progress=progress, cancel=cancel
            )
        except Cancelled:
            raise
        except Exception as error:  # reported per take below; the others go on
            unexpected = not isinstance(error, PianoscopeError)
            log.info("%s was not analysed: %s", recording.path, error, exc_info=unexpected)
            skipped.append(SkippedTake(recording, str(error) or type(error).__name__))
        else:
            analysed.append(recording)
    return PendingAnalysis(tuple(analysed), tuple(skipped))
