"""Deleting a take moves it to `<library>/trash/` first, so a slip of the mouse costs nothing.

The row stays (marked `trashed_at`) with its comments and summary until the trash is emptied;
`restore_from_trash` puts the file back under its student and piece.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from pathlib import Path

from pianoscope.audio.recorder import sidecar_path
from pianoscope.errors import LibraryError
from pianoscope.library.importer import recording_folder
from pianoscope.library.paths import relative_inside
from pianoscope.library.records import Recording
from pianoscope.library.store import TRASH_FOLDER, Library

log = logging.getLogger(__name__)


def move_to_trash(library: Library, recording_id: int) -> Recording:
    """Move a take (and its sidecar) to the trash; it disappears from browsing and search.

    A take whose file has vanished can be deleted too (its row goes to the trash alone): a
    missing file is exactly when a teacher wants the entry gone.
    """
    recording = library.recording(recording_id)
    if recording.trashed_at is not None:
        return recording
    source = library.path_of(recording)
    target = library.root / TRASH_FOLDER / str(recording.id) / source.name
    if source.is_file():
        _move_with_sidecar(source, target)
    else:
        log.warning("%s is missing; only its entry goes to the trash", recording.path)
    try:
        library.move_recording(
            recording.id, relative_inside(library.root, target), dt.datetime.now(dt.timezone.utc)
        )
    except BaseException:
        if target.is_file():
            _move_with_sidecar(target, source)
        raise
    return library.recording(recording.id)


def restore_from_trash(library: Library, recording_id: int) -> Recording:
    """Take a recording out of the trash, back under its student and piece."""
    recording = library.recording(recording_id)
    if recording.trashed_at is None:
        return recording
    source = library.path_of(recording)
    folder = recording_folder(library, recording.student, recording.piece)
    target = folder / source.name
    number = 2
    while target.exists():
        target = folder / f"{source.stem} ({number}){source.suffix}"
        number += 1
    _move_with_sidecar(source, target)
    try:
        library.move_recording(recording.id, relative_inside(library.root, target), None)
    except BaseException:
        _move_with_sidecar(target, source)
        raise
    return library.recording(recording.id)


def empty_trash(library: Library) -> int:
    """Delete for good every take in the trash, with its comments and summary; returns how many."""
    trashed = library.recordings(trashed=True)
    for recording in trashed:
        path = library.path_of(recording)
        library.forget_recording(recording.id)
        path.unlink(missing_ok=True)
        sidecar_path(path).unlink(missing_ok=True)
    shutil.rmtree(library.root / TRASH_FOLDER, ignore_errors=True)
    log.info("emptied the trash: %d recording(s)", len(trashed))
    return len(trashed)


def _move_with_sidecar(source: Path, target: Path) -> None:
    if not source.is_file():
        raise LibraryError(f"The file {source.name} is missing from the library folder.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        if sidecar_path(source).is_file():
            os.replace(sidecar_path(source), sidecar_path(target))
    except OSError as error:
        raise LibraryError(f"{source.name} could not be moved ({error}).") from error
