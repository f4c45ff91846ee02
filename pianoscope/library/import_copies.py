"""The hidden `.importing-*` copies an import writes before a take gets its name.

A copy is made under a hidden name and renamed into place only once complete, so a half copy is
never filed. If the import is killed (kill -9, power cut) the copy stays behind, maybe hundreds of
megabytes; the next `Library.open` removes it. A live import holds an exclusive `flock` on its
copy for as long as it writes it, and the lock dies with the process: a copy that can be locked
is a leftover. (A copy is created, then locked; if a cleanup removed it in that instant, the
import sees that its path names no file any more and makes another.)
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pianoscope.atomic_files import remove_if_unheld

log = logging.getLogger(__name__)

PREFIX = ".importing-"


@contextlib.contextmanager
def copying(folder: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A new hidden copy in `folder`, open for writing and locked; removed if the block fails.

    It is created with the usual permissions (0666 less the umask), not mkstemp's 0600, since it
    becomes the take itself.
    """
    path, descriptor = _create_locked(folder)
    try:
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            yield handle, path
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)


def _create_locked(folder: Path) -> tuple[Path, int]:
    """A new copy, locked, and still at its path (not removed as stale before it was locked)."""
    while True:
        path = folder / f"{PREFIX}{secrets.token_hex(8)}"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _same_file(path, os.fstat(descriptor)):
                return path, descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def _same_file(path: Path, held: os.stat_result) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def remove_stale_copies(recordings: Path) -> int:
    """Delete the copies under `recordings` that no live import holds; returns how many."""
    removed = 0
    for directory, _subfolders, names in os.walk(recordings, followlinks=False):
        for name in names:
            if name.startswith(PREFIX) and remove_if_unheld(Path(directory) / name):
                removed += 1
    if removed:
        log.info("removed %d copies left by an interrupted import", removed)
    return removed
