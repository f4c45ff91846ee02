"""Analyse takes filed in the library and keep their summaries there, for progress charts.

This is the background job the GUI runs after a take is filed; it only needs its own `Library`
(or a shared one): the store serialises writes, so the window can keep adding comments.
"""

from __future__ import annotations

import logging

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import SegmentLabeller
from pianoscope.library.progress import summary_of
from pianoscope.library.records import AnalysisSummary, Recording
from pianoscope.library.store import Library
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)


def analyse_recording(
    library: Library,
    recording_id: int,
    *,
    labeller: SegmentLabeller | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> AnalysisSummary:
    """Analyse one filed take and store its summary; without a labeller, shares stay empty."""
    recording = library.recording(recording_id)
    analysis = analyse_file(
        library.path_of(recording), progress=progress, cancel=cancel, labeller=labeller
    )
    summary = summary_of(analysis)
    library.store_summary(recording.id, summary)
    log.info("analysed %s: %d notes", recording.path, summary.note_count)
    return summary


def not_analysed(library: Library) -> list[Recording]:
    """Takes (not in the trash) that have no stored summary yet, oldest first."""
    return [r for r in library.recordings() if library.summary(r.id) is None]
