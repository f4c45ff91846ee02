"""Relative paths that are guaranteed to stay inside the library folder.

Every path that comes from outside the code (a row of the database, a member of a backup zip, a
file found while importing a folder) goes through `check_relative` or `resolve_inside` before it
is used, so `..`, absolute paths, drive letters, backslashes and symlinks cannot lead out of the
library (zip-slip and friends).
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from pianoscope.errors import LibraryError

MAX_PATH_CHARS = 1024
MAX_PART_CHARS = 255
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w \-,'()]")
# Names Windows reserves for devices, whatever the extension.
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)]
)


def check_relative(text: str) -> PurePosixPath:
    """`text` as a relative POSIX path with plain parts; raises LibraryError otherwise."""
    if not isinstance(text, str) or not text or len(text) > MAX_PATH_CHARS:
        raise LibraryError("A file name in the library is empty or too long.")
    if "\x00" in text or "\\" in text or text.startswith("/") or _DRIVE.match(text):
        raise LibraryError(f"The file name {text!r} points outside the library.")
    parts = text.split("/")
    if any(part in ("", ".", "..") or len(part) > MAX_PART_CHARS for part in parts):
        raise LibraryError(f"The file name {text!r} points outside the library.")
    return PurePosixPath(*parts)


def resolve_inside(root: Path, relative: str) -> Path:
    """The absolute path of `relative` under `root`, refusing anything that leaves `root`.

    Symlinks anywhere along the way are refused even when they point inside: a library never
    creates them, so one found there was put there by someone else.
    """
    parts = check_relative(relative).parts
    root = root.resolve()
    candidate = root
    for part in parts:
        candidate = candidate / part
        if candidate.is_symlink():
            raise LibraryError(f"The file {relative!r} in the library is a link; it is not used.")
    if not candidate.resolve().is_relative_to(root):
        raise LibraryError(f"The file name {relative!r} points outside the library.")
    return candidate


def relative_inside(root: Path, path: Path) -> str:
    """`path` relative to `root` as stored in the database; raises if it is not under `root`."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as error:
        raise LibraryError(f"{path.name} is not inside the library folder.") from error
    check_relative(relative)
    return relative


def safe_name(text: str | None, fallback: str) -> str:
    """A folder or file name made from free text: no separators, no dot-names, at most 80 chars."""
    cleaned = _UNSAFE_NAME_CHARS.sub("_", text or "").strip(" ._")[:80].strip(" ._")
    if cleaned.split(".")[0].upper() in _WINDOWS_DEVICES:
        cleaned = f"{cleaned}_"
    return cleaned or fallback
