"""The scratch folders of backups and restores, and what a killed one leaves of them.

A restore unpacks into a hidden folder beside the library (`.<library>.restoring-*`); a backup
snapshots the database and writes its zip in one beside the backup (`.pianoscope-backup-*`),
not in the system's temporary folder, which may be on the full disk being backed up from.
While it works, each holds an `flock` on its folder, which dies with the process: a folder
that can be locked is what a kill (kill -9, power cut) left, maybe gigabytes. The next
`Library.open` removes a restore's, and a backup's too, through the note the backup left in
the library (`.backup-scratch-*`, the scratch folder's path); the next backup into the same
folder removes those no note points to (when the library's disk was full, say).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pianoscope.atomic_files import lock_created, remove_leftovers

log = logging.getLogger(__name__)

BACKUP_PREFIX = ".pianoscope-backup-"
NOTE_PREFIX = ".backup-scratch-"


def restoring_prefix(root: Path) -> str:
    """The name prefix of the folders a restore of the library in `root` unpacks into."""
    return f".{root.name}.restoring-"


@contextlib.contextmanager
def scratch_folder(parent: Path, prefix: str) -> Iterator[Path]:
    """A new hidden folder in `parent`, locked while the block runs and removed after it
    (unless the block moved it elsewhere, as a restore moves its folder into place)."""
    path, descriptor = _create_locked(parent, prefix)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(descriptor)


@contextlib.contextmanager
def noted(root: Path, scratch: Path) -> Iterator[None]:
    """Note `scratch` in the library in `root` while the block runs, so that the library's
    next open can remove it after a kill. Best effort: a library that cannot be written to
    (a full disk) is backed up without the note."""
    note = root / f"{NOTE_PREFIX}{secrets.token_hex(8)}"
    try:
        note.write_text(str(scratch), encoding="utf-8")
    except OSError as error:
        log.info("backup scratch %s not noted in the library (%s)", scratch, error)
        note = None
    try:
        yield
    finally:
        if note is not None:
            with contextlib.suppress(OSError):
                note.unlink()


def remove_stale_folders(parent: Path, prefix: str) -> int:
    """Remove the folders in `parent` named `prefix`... that nobody holds; returns how many."""
    return remove_leftovers(
        parent,
        lambda name: name.startswith(prefix),
        _remove_if_stale,
        "folders an interrupted backup or restore left",
    )


def remove_noted_folders(root: Path) -> int:
    """Remove the stale backup scratch folders noted in the library in `root`, and the notes
    of those that are gone; returns how many folders were removed."""
    removed = 0
    for note in root.glob(f"{NOTE_PREFIX}*"):
        try:
            scratch = Path(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not (scratch.is_absolute() and scratch.name.startswith(BACKUP_PREFIX)):
            log.warning("ignoring %s: it does not name a backup's scratch folder", note)
            continue
        if scratch.is_dir():
            if not _remove_if_stale(scratch):
                continue  # a backup is still writing there
            removed += 1
        with contextlib.suppress(OSError):
            note.unlink()
    return removed


def _create_locked(parent: Path, prefix: str) -> tuple[Path, int]:
    """A new folder, locked, and still at its path (not removed as stale before the lock)."""

    def create() -> tuple[Path, int]:
        path = Path(tempfile.mkdtemp(dir=parent, prefix=prefix))
        return path, os.open(path, os.O_RDONLY | os.O_DIRECTORY)

    return lock_created(create)


def _remove_if_stale(path: Path) -> bool:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return False
    try:
        shutil.rmtree(path)
        return True
    except OSError as error:
        log.warning("could not remove %s, left by a backup or restore (%s)", path, error)
        return False
    finally:
        os.close(descriptor)
