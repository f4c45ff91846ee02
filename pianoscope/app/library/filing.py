"""Takes recorded in the live window go straight into the library, under student and piece.

The window asks `new_take_path` where to record, so the take is written inside the library and
filed in place (no copy) by `file_recorded_take` when the recorder stops; a take recorded
elsewhere (an older session, a recovered journal) is copied in instead.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pianoscope.library.importer import file_take, recording_folder
from pianoscope.library.records import Recording
from pianoscope.library.store import Library


def new_take_path(
    library: Library,
    student: str | None,
    piece: str | None,
    when: dt.datetime | None = None,
    suffix: str = ".flac",
) -> Path:
    """`<library>/recordings/<student>/<piece>/2026-11-26 14-05-09.flac`, its folder created."""
    folder = recording_folder(library, student, piece)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H-%M-%S")
    candidate, number = folder / f"{stamp}{suffix}", 2
    while candidate.exists():
        candidate, number = folder / f"{stamp} ({number}){suffix}", number + 1
    return candidate


def file_recorded_take(
    library: Library, take: Path | None, student: str | None = None, piece: str | None = None
) -> Recording | None:
    """File a finished take (None when nothing was recorded); student and piece default to
    the take's sidecar, which the recorder wrote."""
    if take is None:
        return None
    return file_take(library, take, student=student, piece=piece).recording
