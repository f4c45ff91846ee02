"""The two renames that put a restored library in place, made safe against a kill between them.

A restore moves the library aside (`<name>.before-restore-<time>`), then moves the unpacked,
checked backup into its place. Killed between the two, there would be no library folder at all,
and the next open would make a new, empty one. So before the first rename the restore writes a
journal beside the library, `.<name>.restore-journal`, naming both folders, and removes it after
the second. The journal appears whole (written under another name, then renamed) and locked
(`flock`) by the restore; the next `Library.open` that finds it unlocked finishes the swap: it
rolls forward (the restored library into place: it had passed every check) or, if that folder
is gone, back (the old library into place). Either way the library is never lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from pianoscope.atomic_files import remove_if_unheld
from pianoscope.crash_points import crash_point
from pianoscope.errors import LibraryError

log = logging.getLogger(__name__)


def journal_path(root: Path) -> Path:
    return root.with_name(f".{root.name}.restore-journal")


def swap_in(staging: Path, root: Path, previous: Path) -> None:
    """Move `root` to `previous` and `staging` to `root`, journaled (see the module docstring).
    Raises LibraryError, with the library back in place, if a rename fails."""
    with _journal(root, previous, staging):
        try:
            os.replace(root, previous)
        except OSError as error:
            raise LibraryError(f"The library could not be moved aside ({error}).") from error
        crash_point("restore-between-renames")
        try:
            os.replace(staging, root)
        except OSError as error:
            os.replace(previous, root)
            raise LibraryError(
                f"The restored library could not be put in place ({error})."
            ) from error


def finish_interrupted_swap(root: Path) -> None:
    """Finish the swap a killed restore of the library in `root` left half done, if any."""
    journal = journal_path(root)
    remove_if_unheld(_writing_path(journal))  # a restore killed while writing its journal
    try:
        descriptor = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return
    except OSError as error:
        log.warning("cannot read %s (%s)", journal, error)
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)  # a restore still swapping is done in a moment
        if not _still_names(journal, descriptor):
            return  # that restore finished meanwhile
        staging, previous = _read(journal, descriptor)
        if not root.exists():
            _roll(staging if staging is not None and staging.is_dir() else previous, root)
        journal.unlink()
    except OSError as error:
        log.error("the interrupted restore of %s could not be finished (%s)", root, error)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _journal(root: Path, previous: Path, staging: Path) -> Iterator[None]:
    """The journal of one swap, in place and locked while the block runs."""
    journal = journal_path(root)
    writing = _writing_path(journal)
    descriptor = os.open(writing, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        record = {"previous": previous.name, "staging": staging.name}
        os.write(descriptor, json.dumps(record).encode())
        os.fsync(descriptor)
        os.replace(writing, journal)
        yield
        journal.unlink()
    except BaseException:
        writing.unlink(missing_ok=True)
        if root.exists():  # a failed rename was undone: nothing is left to finish
            journal.unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)


def _writing_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".writing")


def _read(journal: Path, descriptor: int) -> tuple[Path | None, Path | None]:
    """The staging and previous folders a journal names (None for a name that is not one)."""
    try:
        record = json.loads(os.read(descriptor, 64 * 1024).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        record = {}
    if not isinstance(record, dict):
        record = {}

    def folder(key: str) -> Path | None:
        name = record.get(key)
        if not isinstance(name, str) or not name or "/" in name or name in (".", ".."):
            return None
        return journal.with_name(name)

    return folder("staging"), folder("previous")


def _roll(source: Path | None, root: Path) -> None:
    if source is None or not source.is_dir():
        log.error("a restore of %s was interrupted and neither library is left to put back", root)
        return
    os.replace(source, root)
    log.warning("finished an interrupted restore: %s is now %s", source.name, root)


def _still_names(path: Path, descriptor: int) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)
