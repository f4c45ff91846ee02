"""Migrations against real SQLite files: from nothing, from version 1, and a newer file refused."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from pianoscope.errors import LibraryError
from pianoscope.library.schema import CURRENT_VERSION
from pianoscope.library.store import DATABASE_NAME, Library
from pianoscope.model.calibration import Calibration, PassageCalibration

# Version 1 as it shipped, written out here so that the test does not trust schema.py about it.
V1_DDL = """
CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE pieces (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE COLLATE NOCASE);
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,
    student_id INTEGER REFERENCES students(id) ON DELETE RESTRICT,
    piece_id INTEGER REFERENCES pieces(id) ON DELETE RESTRICT,
    recorded_at TEXT NOT NULL, duration_s REAL NOT NULL CHECK (duration_s >= 0),
    device TEXT NOT NULL DEFAULT '', sample_rate_hz INTEGER NOT NULL CHECK (sample_rate_hz > 0));
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    time_s REAL, text TEXT NOT NULL, created_at TEXT NOT NULL);
PRAGMA user_version = 1;
"""


def tables(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


def test_empty_folder_gets_a_database_at_the_current_version(tmp_path) -> None:
    with Library.open(tmp_path / "lib") as library:
        assert library.students() == []
    database = tmp_path / "lib" / DATABASE_NAME
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"students", "pieces", "sessions", "recordings", "comments", "analysis_summaries"} <= (
        tables(database)
    )


def test_version_1_library_is_migrated_keeping_its_rows(tmp_path) -> None:
    root = tmp_path / "lib"
    (root / "recordings" / "Ada").mkdir(parents=True)
    (root / "recordings" / "Ada" / "take.flac").write_bytes(b"audio")
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        connection.executescript(V1_DDL)
        connection.execute("INSERT INTO students(name) VALUES ('Ada')")
        connection.execute("INSERT INTO pieces(title) VALUES ('Für Elise')")
        connection.execute(
            "INSERT INTO recordings(path, student_id, piece_id, recorded_at, duration_s, device,"
            " sample_rate_hz) VALUES ('recordings/Ada/take.flac', 1, 1,"
            " '2026-01-05T10:00:00+00:00', 61.5, 'USB mic', 48000)"
        )
        connection.execute(
            "INSERT INTO comments(recording_id, time_s, text, created_at)"
            " VALUES (1, 3.0, 'wrist too high', '2026-01-05T10:05:00+00:00')"
        )
    with Library.open(root) as library:
        (recording,) = library.recordings()
        assert (recording.student, recording.piece, recording.duration_s) == (
            "Ada",
            "Für Elise",
            61.5,
        )
        assert (recording.device, recording.sample_rate_hz) == ("USB mic", 48000)
        assert recording.title == "" and recording.session_id is None
        assert recording.trashed_at is None
        assert recording.calibration is None  # filed before calibrations travelled with takes
        assert [c.text for c in library.comments(recording.id)] == ["wrist too high"]
        session = library.ensure_session(recording.student_id, recording.recorded_at)
        assert library.sessions(recording.student_id) == [session]
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION


def test_reopening_a_current_library_changes_nothing(tmp_path) -> None:
    with Library.open(tmp_path / "lib") as library:
        library.ensure_student("Ada")
    with Library.open(tmp_path / "lib") as library:
        assert [s.name for s in library.students()] == ["Ada"]


def test_library_from_a_newer_pianoscope_is_refused_untouched(tmp_path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        connection.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    with pytest.raises(LibraryError, match="newer version"):
        Library.open(root)
    with sqlite3.connect(root / DATABASE_NAME) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION + 1
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_file_that_is_not_a_database_is_reported_as_damaged(tmp_path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / DATABASE_NAME).write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(LibraryError, match=r"damaged|cannot be opened"):
        Library.open(root)


def test_a_take_keeps_its_calibration_and_a_damaged_one_is_reported(tmp_path) -> None:
    calibration = Calibration(-9.5, PassageCalibration((-50.0, -44.0, -39.0), (-0.5, 0.0, 0.2)))
    with Library.open(tmp_path / "lib") as library:
        kept = library.add_recording(
            "recordings/take.flac",
            recorded_at=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc),
            duration_s=3.0,
            sample_rate_hz=44_100,
            calibration=calibration,
        )
        assert library.recording(kept.id).calibration == calibration
    with sqlite3.connect(tmp_path / "lib" / DATABASE_NAME) as connection:
        connection.execute('UPDATE recordings SET calibration = \'{"offset_db": "loud"}\'')
    with (
        Library.open(tmp_path / "lib") as library,
        pytest.raises(LibraryError, match="calibration"),
    ):
        library.recording(kept.id)
