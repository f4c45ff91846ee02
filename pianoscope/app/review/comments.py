"""The comments of a take under review, kept in their one home.

A take filed in a library keeps its comments in the library's database (where search and
backups see them); only a recording outside any library keeps them in its comments sidecar
(`pianoscope.library.comment_sidecar`). `open_comments` decides which, so the review window
never has to, and both stores offer the same `comments` / `add` / `edit` / `delete`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pianoscope.library.comment_sidecar import Comment, CommentStore, checked_text, checked_time
from pianoscope.library.importer import file_sidecar_comments
from pianoscope.library.paths import relative_inside
from pianoscope.library.records import Comment as LibraryComment
from pianoscope.library.store import DATABASE_NAME, RECORDINGS_FOLDER, Library

log = logging.getLogger(__name__)


class LibraryComments:
    """The comments of a filed take, read and written in its library. The library is opened
    for each change, so no connection outlives the review and other windows' writes are seen."""

    def __init__(self, root: Path, recording_id: int) -> None:
        self.root = root
        self.recording_id = recording_id
        with Library.open(root) as library:
            self._comments = self._load(library)

    @property
    def comments(self) -> tuple[Comment, ...]:
        return self._comments

    def add(self, time_s: float, text: str) -> Comment:
        time_s, text = checked_time(time_s), checked_text(text)
        with Library.open(self.root) as library:
            added = library.add_comment(self.recording_id, text, time_s)
            self._comments = self._load(library)
        return _review_form(added)

    def edit(
        self, comment_id: str, *, text: str | None = None, time_s: float | None = None
    ) -> None:
        text = None if text is None else checked_text(text)
        time_s = None if time_s is None else checked_time(time_s)
        with Library.open(self.root) as library:
            library.edit_comment(int(comment_id), text=text, time_s=time_s)
            self._comments = self._load(library)

    def delete(self, comment_id: str) -> None:
        with Library.open(self.root) as library:
            library.delete_comment(int(comment_id))
            self._comments = self._load(library)

    def _load(self, library: Library) -> tuple[Comment, ...]:
        return tuple(map(_review_form, library.comments(self.recording_id)))


TakeComments = CommentStore | LibraryComments


def open_comments(recording: str | Path) -> TakeComments:
    """The library's comments if `recording` is filed in a library, else its sidecar's.

    A comments sidecar found beside a filed take (written while the take was being filed) is
    brought into the library first, once, and removed. Raises LibraryError when the library
    cannot be used, CommentsError when a sidecar is damaged.
    """
    recording = Path(recording)
    root = library_root_of(recording)
    if root is not None:
        with Library.open(root) as library:
            filed = library.find_by_path(relative_inside(root, recording))
            if filed is not None:
                file_sidecar_comments(library, filed.id, recording, remove=True)
        if filed is not None:
            log.info("comments of %s are kept in the library %s", recording.name, root)
            return LibraryComments(root, filed.id)
    return CommentStore(recording)


def set_aside_notice(store: TakeComments) -> str | None:
    """What to tell the teacher when the take's comments file was damaged and kept aside
    (the comments in it are not lost, but review starts a new file), or None."""
    kept = getattr(store, "set_aside", None)
    if kept is None:
        return None
    return (
        f"The comments file of this take was damaged, so its comments are kept aside in "
        f"{kept.name} (nothing is deleted); new comments start a new file."
    )


def library_root_of(path: Path) -> Path | None:
    """The nearest folder above `path` that is a library (its database and recordings
    folder), or None."""
    for folder in path.resolve().parents:
        if (folder / DATABASE_NAME).is_file() and (folder / RECORDINGS_FOLDER).is_dir():
            return folder
    return None


def _review_form(comment: LibraryComment) -> Comment:
    """A library comment as review shows it (one without a time belongs to the start)."""
    return Comment(comment.time_s or 0.0, comment.text, str(comment.id))
