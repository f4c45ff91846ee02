"""A whole-library change (restore) never splits a library another process has open."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from pianoscope.errors import LibraryError
from pianoscope.library.backup import backup, restore
from pianoscope.library.import_copies import copying
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library

WAIT_S = 60


def hold_open(root: str, opened, release) -> None:
    """Another Pianoscope (a window left open): opens the library and keeps it until told."""
    with Library.open(root) as library:
        library.ensure_student("Ada")
        opened.set()
        release.wait(WAIT_S)
        library.ensure_student("Ben")  # what it writes after the restore must not go astray


@pytest.fixture
def backed_up(tmp_path, take_factory):
    root = tmp_path / "lib"
    with Library.open(root) as library:
        import_file(library, take_factory("a.wav"), student="Cleo")
        backup(library, tmp_path / "backup.zip")
    return root, tmp_path / "backup.zip"


def test_restore_refuses_while_another_process_has_the_library_open(backed_up):
    root, zip_path = backed_up
    context = multiprocessing.get_context("spawn")
    opened, release = context.Event(), context.Event()
    other = context.Process(target=hold_open, args=(str(root), opened, release))
    other.start()
    try:
        assert opened.wait(WAIT_S), "the other process never opened the library"
        with pytest.raises(LibraryError, match="in use"):
            restore(zip_path, root)
        assert not list(root.parent.glob("lib.before-restore-*"))
    finally:
        release.set()
        other.join(WAIT_S)
    assert other.exitcode == 0
    with Library.open(root) as library:
        assert {s.name for s in library.students()} == {"Ada", "Ben", "Cleo"}
    assert restore(zip_path, root).previous is not None


def test_two_restores_within_one_second_both_work_and_keep_both_libraries(backed_up):
    root, zip_path = backed_up
    first = restore(zip_path, root)
    second = restore(zip_path, root)
    assert first.previous != second.previous
    assert first.previous.is_dir() and second.previous.is_dir()
    with Library.open(root) as library:
        assert [s.name for s in library.students()] == ["Cleo"]


def stale_copy(folder):
    """What kill -9 during `library import` leaves: a hidden half copy nobody holds."""
    folder.mkdir(parents=True, exist_ok=True)
    leftover = folder / ".importing-abc123"
    leftover.write_bytes(b"\0" * 10_000)
    return leftover


def test_hidden_copies_left_by_a_killed_import_are_cleaned_at_the_next_open(tmp_path):
    root = tmp_path / "lib"
    Library.open(root).close()
    leftover = stale_copy(root / "recordings" / "Ada" / "Minuet")
    with Library.open(root):
        assert not leftover.exists()


def test_a_copy_still_being_made_by_a_live_import_is_not_touched(tmp_path):
    root = tmp_path / "lib"
    with Library.open(root):
        folder = root / "recordings" / "Ada"
        folder.mkdir(parents=True)
        with copying(folder) as (handle, temporary):
            handle.write(b"half a take")
            handle.flush()
            Library.open(root).close()
            assert temporary.exists()


def test_imported_takes_keep_readable_permissions(library, take_factory):
    old_mask = os.umask(0o022)
    try:
        recording = import_file(library, take_factory("a.wav")).recording
    finally:
        os.umask(old_mask)
    assert library.path_of(recording).stat().st_mode & 0o777 == 0o644
