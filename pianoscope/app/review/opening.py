"""Open a recording for review: what it is, who played it, and the background work it needs.

Opening reads only the header and the take's sidecar, so the window appears at once; the
waveform pyramid and then the analysis run as `BackgroundJob`s that the window polls.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import Analysis, SegmentLabeller
from pianoscope.app.background import BackgroundJob
from pianoscope.app.review.waveform_cache import cached_pyramid, default_cache_folder
from pianoscope.app.review.waveform_pyramid import WaveformPyramid
from pianoscope.app.segment_labeller import take_labeller, user_labeller
from pianoscope.app.take_calibration import take_calibration
from pianoscope.audio.fileio import AudioInfo, probe_audio
from pianoscope.audio.recorder import read_sidecar, sidecar_path
from pianoscope.errors import RecordingError

log = logging.getLogger(__name__)

LabellerFactory = Callable[[], SegmentLabeller | None]


@dataclass(frozen=True)
class ReviewedRecording:
    """A recording and what its sidecar says about the take (None when it has none)."""

    path: Path
    info: AudioInfo
    student: str | None
    piece: str | None
    recorded_at: dt.datetime

    @property
    def duration_s(self) -> float:
        return self.info.duration_s

    @property
    def title(self) -> str:
        who = " – ".join(part for part in (self.student, self.piece) if part)
        return f"{who} ({self.path.name})" if who else self.path.name


def check_readable(path: str | Path) -> AudioInfo:
    """The recording's format, or AudioFileError saying in words why it cannot be read.

    Commands call this first, so a bad file is reported before any slow work starts.
    """
    return probe_audio(path)


def open_recording(path: str | Path) -> ReviewedRecording:
    """Read the header and the sidecar; raises AudioFileError if the file is not audio."""
    path = Path(path)
    info = probe_audio(path)
    student = piece = None
    recorded_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
    if sidecar_path(path).exists():
        try:
            metadata = read_sidecar(path)
            student, piece = metadata.student, metadata.piece
            recorded_at = dt.datetime.fromisoformat(metadata.started_at)
        except (RecordingError, ValueError) as error:
            log.warning("%s: sidecar ignored (%s)", path.name, error)
    return ReviewedRecording(path, info, student, piece, recorded_at)


def pyramid_job(
    recording: ReviewedRecording, cache_folder: Path | None = None
) -> BackgroundJob[WaveformPyramid]:
    """Build (or load from `cache_folder`) the waveform pyramid on a thread."""
    return BackgroundJob(
        "waveform overview",
        lambda progress, cancel: cached_pyramid(
            recording.path, cache_folder, progress=progress, cancel=cancel
        ),
    )


def warm_waveform_cache(path: str | Path) -> BackgroundJob[WaveformPyramid]:
    """Build a finished take's pyramid in the background so that reviewing it opens at once."""
    return BackgroundJob(
        "waveform cache",
        lambda progress, cancel: cached_pyramid(path, default_cache_folder(), cancel=cancel),
    ).start()


def analysis_job(
    recording: ReviewedRecording, labeller_factory: LabellerFactory = user_labeller
) -> BackgroundJob[Analysis]:
    """Analyse on a thread with the take's own calibration; the classifier (torch) is loaded
    there too, not in the GUI."""

    def work(progress, cancel) -> Analysis:
        calibration = take_calibration(recording.path)
        return analyse_file(
            recording.path,
            progress=progress,
            cancel=cancel,
            labeller=take_labeller(labeller_factory(), calibration),
            calibration=calibration,
        )

    return BackgroundJob("analysis", work)
