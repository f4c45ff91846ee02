"""Who has a library open: a shared lock per open `Library`, an exclusive one to replace it.

Restoring a backup moves the whole library folder aside. A process that still had it open would
go on writing into the folder moved aside (its audio in one library, its row in the other), so
every `Library.open` holds a shared `flock` on `<library>/library.lock` until it closes, and a
whole-library change takes the exclusive lock without waiting: if anyone has the library open,
it refuses. The lock dies with its process, so a crash never leaves the library locked.

The lock file moves with the folder it is in. A process that waited for its shared lock while a
restore swapped the folder finds that the path now names another file, and locks that one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from pianoscope.errors import LibraryError

log = logging.getLogger(__name__)

LOCK_NAME = "library.lock"
IN_USE = (
    "The library is in use by another Pianoscope (a window or a command); close it and try again."
)


class LibraryLock:
    """An open lock file and the lock held on it; `release()` (or process exit) lets go."""

    def __init__(self, descriptor: int | None) -> None:
        self._descriptor = descriptor

    @classmethod
    def shared(cls, root: Path) -> LibraryLock:
        """Wait (while a restore swaps the folder) for a shared lock on the library in `root`.

        A library that cannot be written to (full or read-only disk) and has no lock file yet
        is opened without one: nothing can replace it meanwhile anyway.
        """
        while True:
            descriptor = _open_lock_file(root)
            if descriptor is None:
                return cls(None)
            fcntl.flock(descriptor, fcntl.LOCK_SH)
            if _still_names(root, descriptor):
                return cls(descriptor)
            os.close(descriptor)

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


@contextlib.contextmanager
def exclusive(root: Path) -> Iterator[None]:
    """Hold the library in `root` for a whole-library change; LibraryError if it is in use."""
    descriptor = _open_lock_file(root)
    if descriptor is None:
        raise LibraryError(f"The library {root} cannot be changed: its folder is not writable.")
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise LibraryError(IN_USE) from error
        if not _still_names(root, descriptor):
            raise LibraryError(IN_USE)
        yield
    finally:
        os.close(descriptor)


def _open_lock_file(root: Path) -> int | None:
    """The lock file of `root`, created if needed; None if it neither exists nor can be made."""
    path = root / LOCK_NAME
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT):
            raise LibraryError(f"The library {root} cannot be opened ({error}).") from error
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        log.info("%s has no lock file and none can be made; opening without", root)
        return None
    except OSError as error:
        raise LibraryError(f"The library {root} cannot be opened ({error}).") from error


def _still_names(root: Path, descriptor: int) -> bool:
    """True if `<root>/library.lock` is still the file `descriptor` holds (not swapped away)."""
    try:
        on_disk = os.stat(root / LOCK_NAME)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)
