"""Backup and restore of the whole library as one zip file; restore trusts nothing in the zip."""

from __future__ import annotations

import json
import sqlite3
import stat
import threading
import zipfile

import pytest

from pianoscope.errors import LibraryError
from pianoscope.library.backup import MANIFEST_NAME, backup, read_backup, restore
from pianoscope.library.importer import import_file
from pianoscope.library.records import AnalysisSummary
from pianoscope.library.schema import CURRENT_VERSION
from pianoscope.library.store import DATABASE_NAME, Library
from pianoscope.library.trash import move_to_trash

MANIFEST = {"format": 1, "app": "pianoscope", "schema_version": 2, "created_at": "2026-11-26"}


def filled_library(root, take_factory) -> dict:
    with Library.open(root) as library:
        kept = import_file(library, take_factory("a.flac", freq_hz=300.0, student="Ada", piece="M"))
        library.add_comment(kept.recording.id, "lovely phrasing", time_s=4.0)
        library.store_summary(kept.recording.id, AnalysisSummary(96.0, 18.5, 143))
        trashed = import_file(
            library, take_factory("b.wav", freq_hz=500.0, student="Ben", piece="W")
        )
        move_to_trash(library, trashed.recording.id)
        return {
            "recordings": library.recordings(),
            "trashed": library.recordings(trashed=True),
            "files": {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file() and not p.name.startswith(("library.sqlite3", "library.lock"))
            },
        }


def make_zip(path, members: dict[str, bytes], manifest: dict | None = MANIFEST) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        if manifest is not None:
            archive.writestr(MANIFEST_NAME, json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)


def test_backup_then_restore_into_an_empty_place_gives_back_the_same_library(
    tmp_path, take_factory
):
    before = filled_library(tmp_path / "lib", take_factory)
    with Library.open(tmp_path / "lib") as library:
        info = backup(library, tmp_path / "backup.zip")
    assert info.files == len(before["files"]) == 4  # two takes, each with its sidecar
    result = restore(tmp_path / "backup.zip", tmp_path / "restored")
    assert result.previous is None
    with Library.open(tmp_path / "restored") as library:
        assert library.recordings() == before["recordings"]
        assert library.recordings(trashed=True) == before["trashed"]
        (recording,) = library.recordings()
        assert [c.text for c in library.comments(recording.id)] == ["lovely phrasing"]
        assert library.summary(recording.id).tempo_bpm == 96.0
        for recording in library.recordings() + library.recordings(trashed=True):
            relative = recording.path
            assert library.path_of(recording).read_bytes() == before["files"][relative]


def test_restore_over_a_library_keeps_the_old_one_aside(tmp_path, take_factory):
    filled_library(tmp_path / "lib", take_factory)
    with Library.open(tmp_path / "lib") as library:
        backup(library, tmp_path / "backup.zip")
        library.ensure_student("Added after the backup")
    result = restore(tmp_path / "backup.zip", tmp_path / "lib")
    assert result.previous is not None and result.previous.name.startswith("lib.before-restore-")
    with Library.open(tmp_path / "lib") as library:
        assert "Added after the backup" not in [s.name for s in library.students()]
    with Library.open(result.previous) as old:
        assert "Added after the backup" in [s.name for s in old.students()]
    assert not list(tmp_path.glob(".lib.restoring-*"))


def test_a_backup_cannot_be_written_inside_the_library(library):
    with pytest.raises(LibraryError, match="outside the library"):
        backup(library, library.root / "recordings" / "backup.zip")


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "recordings/../../evil.txt",
        "/tmp/evil.txt",
        "recordings\\..\\..\\evil.txt",
        "C:/evil.txt",
        "recordings/./a.wav",
        "somewhere/else.wav",
        "recordings",
    ],
)
def test_zip_members_that_could_leave_the_library_are_refused_before_anything_is_written(
    tmp_path, name
):
    make_zip(tmp_path / "evil.zip", {DATABASE_NAME: b"", name: b"payload"})
    with pytest.raises(LibraryError):
        read_backup(tmp_path / "evil.zip")
    with pytest.raises(LibraryError):
        restore(tmp_path / "evil.zip", tmp_path / "lib")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip"]


def test_a_symlink_member_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr(MANIFEST_NAME, json.dumps(MANIFEST))
        archive.writestr(DATABASE_NAME, b"")
        link = zipfile.ZipInfo("recordings/link.wav")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(LibraryError, match="link"):
        restore(tmp_path / "link.zip", tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


def test_a_damaged_or_foreign_database_leaves_the_library_untouched(tmp_path, take_factory):
    filled_library(tmp_path / "lib", take_factory)
    snapshot = sorted(p.relative_to(tmp_path) for p in (tmp_path / "lib").rglob("*"))
    make_zip(tmp_path / "garbage.zip", {DATABASE_NAME: b"SQLite format 3\x00" + b"\xff" * 5000})
    make_zip(tmp_path / "nomanifest.zip", {DATABASE_NAME: b""}, manifest=None)
    make_zip(tmp_path / "newer.zip", {DATABASE_NAME: b""}, {**MANIFEST, "schema_version": 99})
    for bad in ("garbage.zip", "nomanifest.zip", "newer.zip"):
        with pytest.raises(LibraryError):
            restore(tmp_path / bad, tmp_path / "lib")
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "lib").rglob("*")) == snapshot
    assert not list(tmp_path.glob(".lib.restoring-*"))


def database_bytes(tmp_path, statements: list[str]) -> bytes:
    root = tmp_path / "source"
    Library.open(root).close()
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        for statement in statements:
            connection.execute(statement)
    connection.close()
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    return (root / DATABASE_NAME).read_bytes()


def test_a_database_whose_stored_paths_leave_the_library_is_refused(tmp_path):
    data = database_bytes(
        tmp_path,
        [
            "INSERT INTO recordings(path, recorded_at, duration_s, sample_rate_hz)"
            " VALUES ('../../home/secret.wav', '2026-01-01T00:00:00+00:00', 1, 44100)"
        ],
    )
    make_zip(tmp_path / "paths.zip", {DATABASE_NAME: data})
    with pytest.raises(LibraryError, match="outside"):
        restore(tmp_path / "paths.zip", tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE TRIGGER sneaky AFTER INSERT ON comments BEGIN DELETE FROM recordings; END"],
        ["CREATE VIEW everything AS SELECT * FROM recordings"],
        ["CREATE TABLE extra (x)"],
        [  # the same table without its CHECK constraints
            "DROP TABLE analysis_summaries",
            "CREATE TABLE analysis_summaries (recording_id INTEGER PRIMARY KEY, analysed_at TEXT,"
            " tempo_bpm, dynamic_range_db, note_count, piano, form_share, intensity_share)",
        ],
    ],
)
def test_a_database_not_laid_out_like_a_library_is_refused(tmp_path, statements):
    make_zip(tmp_path / "odd.zip", {DATABASE_NAME: database_bytes(tmp_path, statements)})
    with pytest.raises(LibraryError, match="not laid out like a Pianoscope library"):
        restore(tmp_path / "odd.zip", tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


def test_damaged_values_in_a_restored_database_are_refused(tmp_path):
    data = database_bytes(
        tmp_path,
        [
            "INSERT INTO recordings(path, recorded_at, duration_s, sample_rate_hz)"
            " VALUES ('recordings/a.wav', 'yesterday', 'long', 44100)"
        ],
    )
    make_zip(tmp_path / "values.zip", {DATABASE_NAME: data, "recordings/a.wav": b"x"})
    with pytest.raises(LibraryError, match=r"not a valid date|damaged"):
        restore(tmp_path / "values.zip", tmp_path / "lib")
    assert not (tmp_path / "lib").exists()


def test_a_minimal_valid_backup_is_read_and_restored(tmp_path):
    data = database_bytes(tmp_path, [])
    make_zip(tmp_path / "ok.zip", {DATABASE_NAME: data, "recordings/a.wav": b"x" * 100})
    contents = read_backup(tmp_path / "ok.zip")
    assert contents.schema_version == MANIFEST["schema_version"] < CURRENT_VERSION
    assert dict(contents.members)["recordings/a.wav"] == 100
    restore(tmp_path / "ok.zip", tmp_path / "lib")
    assert (tmp_path / "lib" / "recordings" / "a.wav").read_bytes() == b"x" * 100


def test_a_backup_taken_while_comments_are_being_written_is_consistent(tmp_path, take_factory):
    filled_library(tmp_path / "lib", take_factory)
    stop = threading.Event()

    def keep_commenting() -> None:
        with Library.open(tmp_path / "lib") as writer:
            (recording,) = writer.recordings()
            while not stop.is_set():
                writer.add_comment(recording.id, "again")

    thread = threading.Thread(target=keep_commenting)
    thread.start()
    try:
        with Library.open(tmp_path / "lib") as library:
            for index in range(3):
                backup(library, tmp_path / f"backup{index}.zip")
    finally:
        stop.set()
        thread.join()
    counts = []
    for index in range(3):
        result = restore(tmp_path / f"backup{index}.zip", tmp_path / f"restored{index}")
        with Library.open(result.root) as restored:
            (recording,) = restored.recordings()
            counts.append(len(restored.comments(recording.id)))
    assert counts == sorted(counts) and counts[-1] > 1
