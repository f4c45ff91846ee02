"""Time-stamped comments on a recording that is not in a library, kept in a JSON sidecar.

The sidecar `take.flac.comments.json` sits next to the recording so that comments travel with
it; it is validated on reading and written atomically (temporary file, then rename) so that a
crash never leaves half a file. A damaged sidecar (whatever is in it: deep nesting, numbers
beyond float, bad text) is never overwritten: `CommentStore` keeps it aside, renamed
`take.flac.comments.damaged.json`, with a warning, and starts a new one. Once the recording is
filed in a library its comments move into the library's database
(`pianoscope.library.importer.file_sidecar_comments`), their one home.
"""

from __future__ import annotations

import json
import logging
import math
import os
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from pianoscope.errors import PianoscopeError

log = logging.getLogger(__name__)

SUFFIX = ".comments.json"
FORMAT_VERSION = 1
MAX_TEXT_CHARS = 2000


class CommentsError(PianoscopeError):
    """The comments kept with a recording cannot be read or saved."""


@dataclass(frozen=True)
class Comment:
    time_s: float
    text: str
    id: str


def comments_path(recording: str | Path) -> Path:
    recording = Path(recording)
    return recording.with_name(recording.name + SUFFIX)


class CommentStore:
    """The comments of one recording, sorted by time; every change is saved at once.

    `set_aside` is where a damaged sidecar found on opening was moved (None if there was none).
    """

    def __init__(self, recording: str | Path) -> None:
        self.path = comments_path(recording)
        self.set_aside: Path | None = None
        try:
            self._comments: list[Comment] = load_comments(recording)
        except CommentsError as error:
            self.set_aside = set_aside(self.path)
            log.warning("%s It is kept as %s.", error, self.set_aside.name)
            self._comments = []

    @property
    def comments(self) -> tuple[Comment, ...]:
        return tuple(self._comments)

    def add(self, time_s: float, text: str) -> Comment:
        comment = Comment(checked_time(time_s), checked_text(text), uuid.uuid4().hex[:12])
        self._save([*self._comments, comment])
        return comment

    def edit(
        self, comment_id: str, *, text: str | None = None, time_s: float | None = None
    ) -> None:
        old = self._find(comment_id)
        new = replace(
            old,
            text=old.text if text is None else checked_text(text),
            time_s=old.time_s if time_s is None else checked_time(time_s),
        )
        self._save([new if c.id == comment_id else c for c in self._comments])

    def delete(self, comment_id: str) -> None:
        self._find(comment_id)
        self._save([c for c in self._comments if c.id != comment_id])

    def _find(self, comment_id: str) -> Comment:
        for comment in self._comments:
            if comment.id == comment_id:
                return comment
        raise CommentsError("That comment no longer exists.")

    def _save(self, comments: list[Comment]) -> None:
        comments = sorted(comments, key=lambda c: c.time_s)
        data = {
            "version": FORMAT_VERSION,
            "comments": [
                {"time_s": round(c.time_s, 3), "text": c.text, "id": c.id} for c in comments
            ],
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise CommentsError(
                f"The comment could not be saved next to the recording: {error.strerror or error}"
            ) from error
        self._comments = comments


def load_comments(recording: str | Path) -> list[Comment]:
    """The comments kept with a recording; none if there is no sidecar yet."""
    path = comments_path(recording)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw = data["comments"]
        if data.get("version") != FORMAT_VERSION or not isinstance(raw, list):
            raise ValueError("unknown layout")
        comments = [
            Comment(checked_time(item["time_s"]), checked_text(item["text"]), str(item["id"]))
            for item in raw
        ]
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
        OverflowError,
        CommentsError,
    ) as error:
        raise CommentsError(
            f"The comments kept with {Path(recording).name} ({path.name}) are damaged and were "
            "not loaded; the file is left as it is."
        ) from error
    return sorted(comments, key=lambda c: c.time_s)


def set_aside(sidecar: Path) -> Path:
    """Rename a damaged sidecar to `<name>.damaged.json` (or `.damaged-2.json`, ...) so that it
    is neither lost nor overwritten; returns its new path."""
    stem = sidecar.name.removesuffix(".json")
    kept = sidecar.with_name(f"{stem}.damaged.json")
    number = 2
    while kept.exists():
        kept = sidecar.with_name(f"{stem}.damaged-{number}.json")
        number += 1
    try:
        os.replace(sidecar, kept)
    except OSError as error:
        raise CommentsError(
            f"{sidecar.name} is damaged and could not be kept aside ({error.strerror or error})."
        ) from error
    return kept


def checked_time(time_s: object) -> float:
    """A comment's time in seconds, or CommentsError with a sentence for the teacher."""
    if isinstance(time_s, bool) or not isinstance(time_s, int | float):
        raise CommentsError("A comment's time must be a number of seconds.")
    try:
        seconds = float(time_s)
    except OverflowError as error:
        raise CommentsError("A comment's time is far beyond any recording.") from error
    if not math.isfinite(seconds) or seconds < 0:
        raise CommentsError("A comment's time must be a positive number of seconds.")
    return seconds


def checked_text(text: object) -> str:
    """A comment's text without surrounding blanks, or CommentsError (empty or too long)."""
    if not isinstance(text, str) or not text.strip():
        raise CommentsError("A comment needs some text.")
    if len(text) > MAX_TEXT_CHARS:
        raise CommentsError(f"A comment can be at most {MAX_TEXT_CHARS} characters long.")
    return text.strip()
