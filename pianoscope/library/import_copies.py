"""The hidden `.importing-*` copies an import writes before a take gets its name.

A copy is made under a hidden name and renamed into place only once complete, so a half copy is
never filed. If the import is killed (kill -9, power cut) the copy stays behind, maybe hundreds of
megabytes; the next `Library.open` removes it. A live import holds an exclusive `flock` on its
copy for as long as it writes it, and the lock dies with the process: a copy that can be locked,
and is older than `STALE_AFTER_S` (the instant between creating and locking it), is a leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

PREFIX = ".importing-"
STALE_AFTER_S = 60.0


@contextlib.contextmanager
def copying(folder: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A new hidden copy in `folder`, open for writing and locked; removed if the block fails.

    It is created with the usual permissions (0666 less the umask), not mkstemp's 0600, since it
    becomes the take itself.
    """
    path = folder / f"{PREFIX}{secrets.token_hex(8)}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            yield handle, path
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)


def remove_stale_copies(recordings: Path) -> int:
    """Delete the copies under `recordings` that no live import holds; returns how many."""
    removed = 0
    for directory, _subfolders, names in os.walk(recordings, followlinks=False):
        for name in names:
            if name.startswith(PREFIX) and _remove_if_stale(Path(directory) / name):
                removed += 1
    if removed:
        log.info("removed %d copies left by an interrupted import", removed)
    return removed


def _remove_if_stale(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if time.time() - os.fstat(descriptor).st_mtime < STALE_AFTER_S:
            return False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        path.unlink(missing_ok=True)
        return True
    except OSError as error:
        log.warning("could not remove %s left by an interrupted import (%s)", path, error)
        return False
    finally:
        os.close(descriptor)
