"""What the library window does to the library: import recordings, trash takes, progress.

The window and the command line ask for these use cases here rather than reaching into
`pianoscope.library`, so both change the library the same way.
"""

from __future__ import annotations

from pathlib import Path

from pianoscope.library.importer import FolderImport, ImportResult, import_file, import_folder
from pianoscope.library.progress import ProgressSeries, progress
from pianoscope.library.records import Recording
from pianoscope.library.store import Library
from pianoscope.library.trash import move_to_trash


def import_recordings(library: Library, path: Path) -> ImportResult | FolderImport:
    """Copy one recording, or every recording in a folder tree, into the library."""
    if path.is_dir():
        return import_folder(library, path)
    return import_file(library, path)


def trash_take(library: Library, recording_id: int) -> Recording:
    """Move a take to the library's trash."""
    return move_to_trash(library, recording_id)


def progress_series(
    library: Library, student_id: int, piece_id: int | None = None
) -> ProgressSeries:
    """A student's analysed takes over time, of one piece or of all."""
    return progress(library, student_id, piece_id)
