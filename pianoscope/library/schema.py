"""The library's tables, as numbered migrations recorded in `PRAGMA user_version`.

Migration n brings a database from version n - 1 to n. Each runs in one transaction together
with the version bump, so a crash mid-migration leaves the previous version intact. Never edit
a released migration: add a new one.
"""

from __future__ import annotations

import logging
import re
import sqlite3

from pianoscope.errors import LibraryError

log = logging.getLogger(__name__)

_V1_STUDENTS_PIECES_RECORDINGS = """
CREATE TABLE students (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE pieces (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE recordings (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    student_id INTEGER REFERENCES students(id) ON DELETE RESTRICT,
    piece_id INTEGER REFERENCES pieces(id) ON DELETE RESTRICT,
    recorded_at TEXT NOT NULL,
    duration_s REAL NOT NULL CHECK (duration_s >= 0),
    device TEXT NOT NULL DEFAULT '',
    sample_rate_hz INTEGER NOT NULL CHECK (sample_rate_hz > 0)
);
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    time_s REAL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""

_V2_SESSIONS_SUMMARIES_TRASH = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
ALTER TABLE recordings ADD COLUMN session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL;
ALTER TABLE recordings ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN content_sha256 TEXT;
ALTER TABLE recordings ADD COLUMN trashed_at TEXT;
CREATE TABLE analysis_summaries (
    recording_id INTEGER PRIMARY KEY REFERENCES recordings(id) ON DELETE CASCADE,
    analysed_at TEXT NOT NULL,
    tempo_bpm REAL,
    dynamic_range_db REAL NOT NULL,
    note_count INTEGER NOT NULL CHECK (note_count >= 0),
    piano TEXT,
    form_share TEXT NOT NULL DEFAULT '{}',
    intensity_share TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX recordings_by_student_piece ON recordings(student_id, piece_id, recorded_at);
CREATE INDEX recordings_by_hash ON recordings(content_sha256);
CREATE INDEX comments_by_recording ON comments(recording_id);
CREATE INDEX sessions_by_student ON sessions(student_id, started_at);
"""

# A comment brought in from a recording's comments sidecar keeps the sidecar's id, so importing
# the same sidecar again adds nothing.
_V3_COMMENTS_FROM_SIDECARS = """
ALTER TABLE comments ADD COLUMN sidecar_id TEXT;
CREATE UNIQUE INDEX comments_by_sidecar_id ON comments(recording_id, sidecar_id);
"""

# A piece's score (MusicXML, MEI or MIDI), stored once for every take of the piece. The file's
# bytes are kept in the database so that backups carry them and no path can go stale.
_V4_PIECE_SCORES = """
CREATE TABLE piece_scores (
    piece_id INTEGER PRIMARY KEY REFERENCES pieces(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    content_sha256 TEXT NOT NULL,
    stored_at TEXT NOT NULL
);
"""

# The same audio is filed once: the check before filing cannot see a concurrent import, the
# database can. Takes filed twice before this (same hash) keep their rows and files; all but the
# first lose their hash, so nothing is deleted by the migration.
_V5_ONE_ROW_PER_AUDIO = """
UPDATE recordings SET content_sha256 = NULL WHERE content_sha256 IS NOT NULL
    AND id NOT IN (SELECT MIN(id) FROM recordings WHERE content_sha256 IS NOT NULL
                   GROUP BY content_sha256);
DROP INDEX recordings_by_hash;
CREATE UNIQUE INDEX recordings_by_unique_hash ON recordings(content_sha256);
"""

# The level calibration in force when a take was recorded (JSON of
# `pianoscope.model.calibration.Calibration`), so every later analysis reads intensity as the
# live view did. Takes filed before have none (NULL): they are analysed uncalibrated, as before.
_V6_TAKE_CALIBRATION = """
ALTER TABLE recordings ADD COLUMN calibration TEXT;
"""

MIGRATIONS: tuple[str, ...] = (
    _V1_STUDENTS_PIECES_RECORDINGS,
    _V2_SESSIONS_SUMMARIES_TRASH,
    _V3_COMMENTS_FROM_SIDECARS,
    _V4_PIECE_SCORES,
    _V5_ONE_ROW_PER_AUDIO,
    _V6_TAKE_CALIBRATION,
)
CURRENT_VERSION = len(MIGRATIONS)


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the database up to CURRENT_VERSION; returns the version it had before.

    The connection must be in autocommit mode (isolation_level=None) so that each step's
    BEGIN ... COMMIT is ours. A database newer than this program is refused, not touched.
    """
    before = schema_version(connection)
    if before > CURRENT_VERSION:
        raise LibraryError(
            "This library was written by a newer version of Pianoscope; please update Pianoscope."
        )
    for version in range(before + 1, CURRENT_VERSION + 1):
        _apply(connection, version)
    return before


def schema_objects(connection: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """Every table, index, trigger and view as (type, name, SQL with spacing normalised)."""
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {(kind, name, _normalised(sql or "")) for kind, name, sql in rows}


def expected_schema(version: int) -> set[tuple[str, str, str]]:
    """What `schema_objects` gives for a database our migrations brought to `version`."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in range(1, version + 1):
            _apply(connection, step)
        return schema_objects(connection)
    finally:
        connection.close()


def _normalised(sql: str) -> str:
    """SQL with runs of spaces collapsed and none around brackets and commas."""
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(sql.split()))


def _apply(connection: sqlite3.Connection, version: int) -> None:
    """Run migration `version` and bump user_version in one transaction."""
    statements = [s.strip() for s in MIGRATIONS[version - 1].split(";") if s.strip()]
    connection.execute("BEGIN IMMEDIATE")
    try:
        if schema_version(connection) >= version:  # another process migrated meanwhile
            connection.execute("ROLLBACK")
            return
        for statement in statements:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {int(version)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    log.info("library database migrated to version %d", version)
