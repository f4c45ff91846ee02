"""Analysing one recording from start to end: the use case behind `pianoscope analyse`.

Front ends check the file first (`app.review.opening.check_readable`), so a bad file is
reported in words before the classifier loads; then they call this.
"""

from __future__ import annotations

from pathlib import Path

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import Analysis, SegmentLabeller
from pianoscope.model.calibration import Calibration
from pianoscope.progress import CancelToken, ProgressCallback, no_progress


def analyse_take(
    path: str | Path,
    *,
    labeller: SegmentLabeller | None = None,
    calibration: Calibration | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Analysis:
    """Notes, dynamics, tempo and (with `labeller`) labelled segments of the recording, read
    through `calibration` (see `analyse_file`); raises AudioFileError for a file that cannot
    be read."""
    return analyse_file(
        path, labeller=labeller, calibration=calibration, progress=progress, cancel=cancel
    )
