"""Files written whole or not at all, and what a failed or killed write leaves behind.

A save writes `<name>.<random>.partial` beside its target, then renames it over the target, so
the target is always the old file or the new one. While it writes, the save holds an `flock` on
its partial file: a failed save removes its partial at once, and the partial of a killed one
(kill -9, power cut), which no process holds any more, is removed by `remove_stale_partials` the
next time the folder is used. The lock, not the age, tells a stale file from one being written,
so two processes saving into one folder never remove each other's.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from pianoscope.crash_points import crash_point

log = logging.getLogger(__name__)

SUFFIX = ".partial"


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A locked partial file to write `path`'s new contents into; renamed over `path` when the
    block ends, removed if it fails (the exception goes on)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial, descriptor = _create_locked(path)
    try:
        with os.fdopen(descriptor, "wb", closefd=False) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        crash_point("partial-written")
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)


def _create_locked(path: Path) -> tuple[Path, int]:
    """A new partial file for `path`, locked, and still at its name."""

    def create() -> tuple[Path, int]:
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}{SUFFIX}")
        return partial, os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)

    return lock_created(create)


def lock_created(create: Callable[[], tuple[Path, int]]) -> tuple[Path, int]:
    """`create()` a new file or folder (its path and an open descriptor) and lock it; again
    if a cleanup removed it in the instant between its creation and its lock."""
    while True:
        path, descriptor = create()
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            held, on_disk = os.fstat(descriptor), path.stat()
            if (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino):
                return path, descriptor
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)


def remove_stale_partials(folder: Path) -> int:
    """Delete the partial files in `folder` that no save holds; returns how many."""
    return remove_leftovers(
        folder,
        lambda name: name.endswith(SUFFIX),
        remove_if_unheld,
        "partial files an interrupted save left",
    )


def remove_leftovers(
    folder: Path, is_leftover: Callable[[str], bool], remove: Callable[[Path], bool], what: str
) -> int:
    """Call `remove` on every entry of `folder` whose name `is_leftover` (it says whether it
    removed it, e.g. not while a process holds it); log and return how many went. A folder that
    is missing or cannot be listed has none."""
    try:
        names = [name for name in os.listdir(folder) if is_leftover(name)]
    except OSError:
        return 0
    removed = sum(remove(folder / name) for name in names)
    if removed:
        log.info("removed %d %s in %s", removed, what, folder)
    return removed


def remove_if_unheld(path: Path) -> bool:
    """Delete the file at `path` unless a process holds an `flock` on it (one that is still
    writing it); True if it was deleted."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink(missing_ok=True)
        return True
    except BlockingIOError:
        return False
    except OSError as error:
        log.warning("could not remove %s, left by an interrupted write (%s)", path, error)
        return False
    finally:
        os.close(descriptor)
