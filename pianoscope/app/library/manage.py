"""What the front ends do to the library: import recordings, trash and restore takes,
progress, backups.

The library window and `pianoscope library ...` ask for these use cases here rather than
reaching into `pianoscope.library`, so both change the library the same way.
"""

from __future__ import annotations

from pathlib import Path

from pianoscope.library.backup import BackupInfo, RestoreResult, backup, restore
from pianoscope.library.importer import FolderImport, import_file, import_folder
from pianoscope.library.progress import ProgressSeries, progress
from pianoscope.library.records import Recording
from pianoscope.library.store import Library, default_library_folder
from pianoscope.library.trash import move_to_trash, restore_from_trash


def import_recordings(
    library: Library, path: Path, *, student: str | None = None, piece: str | None = None
) -> FolderImport:
    """Copy one recording, or every recording in a folder tree, into the library, filed under
    `student` and `piece`. In a folder a bad file is skipped with the reason; a single bad file
    raises (AudioFileError, LibraryError)."""
    if path.is_dir():
        return import_folder(library, path, student=student, piece=piece)
    return FolderImport((import_file(library, path, student=student, piece=piece),), ())


def trash_take(library: Library, recording_id: int) -> Recording:
    """Move a take to the library's trash."""
    return move_to_trash(library, recording_id)


def restore_take(library: Library, recording_id: int) -> Recording:
    """Take a take out of the trash, back under its student and piece."""
    return restore_from_trash(library, recording_id)


def progress_series(
    library: Library, student_id: int, piece_id: int | None = None
) -> ProgressSeries:
    """A student's analysed takes over time, of one piece or of all."""
    return progress(library, student_id, piece_id)


def back_up_library(library: Library, out: Path) -> BackupInfo:
    """The whole library as one zip file at `out` (outside the library)."""
    return backup(library, out)


def restore_library(backup_zip: Path, folder: Path | None = None) -> RestoreResult:
    """Replace the library in `folder` (default: the user's) by a backup; the library as it was
    is kept aside, not deleted."""
    return restore(backup_zip, folder or default_library_folder())
