"""Record a take from any audio source, headless: the use case behind `pianoscope record`.

The source is watched while recording; if it fails (device unplugged) or the disk fills up, the
take is closed and kept and the reason is returned instead of raised, so nothing is lost. A source
that ends (a file played as input) ends the take once everything it played is written; a file
waits for the recorder (`FileSource.keep_pace_with`), so even at `--speed inf` every sample of it
is recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pianoscope.audio.file_source import FileSource
from pianoscope.audio.recorder import Recorder, RecordingResult
from pianoscope.audio.source import AudioSource
from pianoscope.errors import PianoscopeError
from pianoscope.model.calibration import Calibration
from pianoscope.progress import CancelToken, ProgressCallback


@dataclass(frozen=True)
class TakeReport:
    """How a take went: the file, what the input reported, and why it ended early if it did."""

    recording: RecordingResult
    device: str
    sample_rate_hz: int
    overflow_count: int
    problem: str | None
    source_ended: bool = False  # the input ended before the seconds asked for


def record_take(
    source: AudioSource,
    path: str | Path,
    *,
    seconds: float,
    student: str | None = None,
    piece: str | None = None,
    calibration: Calibration | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    poll_s: float = 0.05,
) -> TakeReport:
    """Start `source`, record `seconds` of its audio to `path`, stop, and report;
    `calibration`, the input's, is kept with the take (its sidecar).

    Raises PianoscopeError only if the take cannot start at all; later failures are reported in
    `TakeReport.problem` with everything recorded until then kept.
    """
    cancel = cancel or CancelToken()
    recorder: Recorder | None = None
    if isinstance(source, FileSource):  # a file can wait for the recorder: record it whole
        source.keep_pace_with(lambda: recorder.consumed_index if recorder is not None else 0)
    source.start()
    recorder = Recorder(
        source.ring,
        path,
        sample_rate_hz=source.sample_rate_hz,
        device=source.name,
        student=student,
        piece=piece,
        calibration=None if calibration is None else calibration.to_json(),
        max_frames=round(seconds * source.sample_rate_hz),
        from_start=True,
    )
    try:
        recorder.start()
    except PianoscopeError:
        source.stop()
        raise
    problem: str | None = None
    source_ended = False
    try:
        while recorder.running and not cancel.cancelled:
            try:
                source.check()
            except PianoscopeError as error:
                problem = str(error)
                break
            if not source.running and _written_frames(recorder, source) >= source.ring.written:
                source_ended = True
                break
            if progress is not None:
                progress(min(1.0, recorder.elapsed_s / seconds))
            time.sleep(poll_s)
    finally:
        source.stop()
        result = recorder.stop()
    problem = problem or result.error
    if progress is not None:
        progress(min(1.0, result.duration_s / seconds))
    return TakeReport(
        recording=result,
        device=source.name,
        sample_rate_hz=source.sample_rate_hz,
        overflow_count=source.overflow_count,
        problem=problem,
        source_ended=source_ended,
    )


def _written_frames(recorder: Recorder, source: AudioSource) -> int:
    """Frames of the source the recorder has written (lost ones are written as silence)."""
    return round(recorder.elapsed_s * source.sample_rate_hz)
