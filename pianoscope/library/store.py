"""The library database: students, pieces (with their scores), sessions, recordings, comments,
analysis summaries.

One `Library` wraps one SQLite connection in WAL mode, so the GUI can read while a background
analysis writes. Writes take the write lock up front (`BEGIN IMMEDIATE`) and wait up to
`BUSY_TIMEOUT_MS` for another writer, in this or another process, instead of failing with
"database is locked". A `Library` may be shared between threads: calls are serialised by a lock.
Every query is parameterised; names typed by a teacher never become SQL.

Over 500 lines on purpose: every SQL statement of the library lives in this one class, so the
schema (`library/schema.py`) and the queries that depend on it change together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import math
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from pianoscope.errors import LibraryError
from pianoscope.library.import_copies import remove_stale_copies
from pianoscope.library.lock import LibraryLock
from pianoscope.library.paths import resolve_inside
from pianoscope.library.records import (
    AnalysisSummary,
    Comment,
    Piece,
    PieceScoreFile,
    Recording,
    Session,
    Student,
    calibration_from_json,
    calibration_to_json,
    iso_utc,
    parse_time,
    share_from_json,
    share_to_json,
)
from pianoscope.library.restore_journal import finish_interrupted_swap
from pianoscope.library.schema import CURRENT_VERSION, migrate, schema_version
from pianoscope.library.scratch import remove_noted_folders, remove_stale_folders, restoring_prefix

if TYPE_CHECKING:  # the calibration (numpy, scipy) loads with the first stored one read
    from pianoscope.model.calibration import Calibration

log = logging.getLogger(__name__)

DATABASE_NAME = "library.sqlite3"
RECORDINGS_FOLDER = "recordings"
TRASH_FOLDER = "trash"
BUSY_TIMEOUT_MS = 30_000

_RECORDING_SELECT = """
SELECT r.id, r.path, r.title, r.student_id, s.name AS student, r.piece_id, p.title AS piece,
       r.session_id, r.recorded_at, r.duration_s, r.device, r.sample_rate_hz, r.content_sha256,
       r.trashed_at, r.calibration
FROM recordings r
LEFT JOIN students s ON s.id = r.student_id
LEFT JOIN pieces p ON p.id = r.piece_id
"""


class DuplicateRecording(LibraryError):
    """The same audio (same content hash) is already filed: two imports raced and one won."""


def default_library_folder() -> Path:
    """The library folder unless the user chose another (`--library PATH`)."""
    return platformdirs.user_data_path("pianoscope") / "library"


def connect(database: Path) -> sqlite3.Connection:
    """A connection with the library's settings: autocommit, WAL, foreign keys, busy timeout."""
    try:
        connection = sqlite3.connect(
            database, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as error:
        raise LibraryError(
            f"The library database {database} cannot be opened ({error})."
        ) from error
    return connection


def connect_read_only(database: Path) -> sqlite3.Connection:
    """A read-only connection, for a disk that is full or read-only.

    WAL mode needs room for its shared-memory file even to read. With none, the database is
    opened as immutable, which is exact only while nothing else writes to it: so only when no
    write-ahead log exists, that is when no other connection has the database open.
    """
    address = urllib.parse.quote(str(database.absolute()))
    wal = database.with_name(database.name + "-wal")
    try:
        try:
            connection = _read_only(f"file:{address}?mode=ro")
        except sqlite3.OperationalError:
            if wal.exists() and wal.stat().st_size > 0:
                raise
            connection = _read_only(f"file:{address}?mode=ro&immutable=1")
        version = schema_version(connection)
    except sqlite3.Error as error:
        raise LibraryError(
            f"The library database {database} cannot be opened ({error})."
        ) from error
    if version != CURRENT_VERSION:
        connection.close()
        raise LibraryError(
            "The library needs updating, which needs some free disk space; please free some."
        )
    return connection


def _read_only(uri: str) -> sqlite3.Connection:
    """A connection to `uri`, its first read done, so that opening problems show up here."""
    connection = sqlite3.connect(
        uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


class Library:
    """A library folder: `library.sqlite3`, `recordings/<student>/<piece>/...` and `trash/`."""

    def __init__(
        self,
        root: Path,
        connection: sqlite3.Connection,
        in_use: LibraryLock | None = None,
    ) -> None:
        self.root = root
        self._connection = connection
        self._in_use = in_use or LibraryLock(None)
        self._lock = threading.RLock()

    @classmethod
    def open(cls, root: str | Path | None = None) -> Library:
        """Open (creating and migrating if needed) the library in `root`.

        While open, the library cannot be restored over by another process (see `lock`). On a
        disk where nothing can be written, it is opened read-only: it can still be listed,
        reviewed and backed up. What a kill left is dealt with first: a restore stopped between
        its two renames is finished (`restore_journal`), and the hidden copies of imports and
        scratch folders of restores and backups nobody holds are removed (`import_copies`,
        `scratch`).
        """
        root = Path(root) if root is not None else default_library_folder()
        finish_interrupted_swap(root)
        try:
            (root / RECORDINGS_FOLDER).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryError(f"The library folder {root} cannot be created ({error}).") from error
        in_use = LibraryLock.shared(root)
        try:
            remove_stale_copies(root / RECORDINGS_FOLDER)
            remove_stale_folders(root.parent, restoring_prefix(root))
            remove_noted_folders(root)
            connection = _connect_and_migrate(root)
        except BaseException:
            in_use.release()
            raise
        return cls(root, connection, in_use)

    @property
    def database_path(self) -> Path:
        return self.root / DATABASE_NAME

    def close(self) -> None:
        with self._lock:
            self._connection.close()
            self._in_use.release()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- students, pieces, sessions ------------------------------------------------------------

    def ensure_student(self, name: str) -> Student:
        """The student called `name` (case-insensitive), created if new."""
        name = _clean_name(name, "student")
        with self._write() as cursor:
            cursor.execute("INSERT OR IGNORE INTO students(name) VALUES (?)", (name,))
            row = cursor.execute("SELECT id, name FROM students WHERE name = ?", (name,)).fetchone()
        return Student(row["id"], row["name"])

    def students(self) -> list[Student]:
        rows = self._read("SELECT id, name FROM students ORDER BY name COLLATE NOCASE")
        return [Student(row["id"], row["name"]) for row in rows]

    def rename_student(self, student_id: int, name: str) -> Student:
        name = _clean_name(name, "student")
        self._update_one("UPDATE students SET name = ? WHERE id = ?", (name, student_id), "student")
        return Student(student_id, name)

    def ensure_piece(self, title: str) -> Piece:
        """The piece called `title` (case-insensitive), created if new."""
        title = _clean_name(title, "piece")
        with self._write() as cursor:
            cursor.execute("INSERT OR IGNORE INTO pieces(title) VALUES (?)", (title,))
            row = cursor.execute(
                "SELECT id, title FROM pieces WHERE title = ?", (title,)
            ).fetchone()
        return Piece(row["id"], row["title"])

    def pieces(self, student_id: int | None = None) -> list[Piece]:
        """All pieces, or those with at least one recording of `student_id`."""
        if student_id is None:
            rows = self._read("SELECT id, title FROM pieces ORDER BY title COLLATE NOCASE")
        else:
            rows = self._read(
                "SELECT DISTINCT p.id, p.title FROM pieces p JOIN recordings r ON r.piece_id = p.id"
                " WHERE r.student_id = ? AND r.trashed_at IS NULL ORDER BY p.title COLLATE NOCASE",
                (student_id,),
            )
        return [Piece(row["id"], row["title"]) for row in rows]

    def rename_piece(self, piece_id: int, title: str) -> Piece:
        title = _clean_name(title, "piece")
        self._update_one("UPDATE pieces SET title = ? WHERE id = ?", (title, piece_id), "piece")
        return Piece(piece_id, title)

    def store_piece_score(self, piece_id: int, file_name: str, content: bytes) -> PieceScoreFile:
        """Keep a score file for the piece, replacing the one it had."""
        stored = PieceScoreFile(
            piece_id,
            file_name,
            content,
            hashlib.sha256(content).hexdigest(),
            dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        )
        with self._write() as cursor:
            cursor.execute(
                "INSERT INTO piece_scores(piece_id, file_name, content, content_sha256, stored_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(piece_id) DO UPDATE SET"
                " file_name = excluded.file_name, content = excluded.content,"
                " content_sha256 = excluded.content_sha256, stored_at = excluded.stored_at",
                (piece_id, file_name, content, stored.content_sha256, iso_utc(stored.stored_at)),
            )
        return stored

    def piece_score(self, piece_id: int) -> PieceScoreFile | None:
        """The score kept for the piece, if any."""
        rows = self._read(
            "SELECT piece_id, file_name, content, content_sha256, stored_at FROM piece_scores"
            " WHERE piece_id = ?",
            (piece_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return PieceScoreFile(
            row["piece_id"],
            row["file_name"],
            bytes(row["content"]),
            row["content_sha256"],
            parse_time(row["stored_at"]),
        )

    def ensure_session(self, student_id: int, when: dt.datetime, note: str = "") -> Session:
        """The student's session (lesson) on the calendar day of `when`, started if none.

        Looked up and created in one write transaction, so two writers filing takes of the same
        lesson at once still share one session.
        """
        day = when.astimezone().date()
        with self._write() as cursor:
            rows = cursor.execute(
                "SELECT id, student_id, started_at, note FROM sessions WHERE student_id = ?"
                " ORDER BY started_at",
                (student_id,),
            ).fetchall()
            for session in map(_session, rows):
                if session.started_at.astimezone().date() == day:
                    return session
            cursor.execute(
                "INSERT INTO sessions(student_id, started_at, note) VALUES (?, ?, ?)",
                (student_id, iso_utc(when), note),
            )
            session_id = cursor.lastrowid
        return Session(session_id, student_id, parse_time(iso_utc(when)), note)

    def sessions(self, student_id: int) -> list[Session]:
        rows = self._read(
            "SELECT id, student_id, started_at, note FROM sessions WHERE student_id = ?"
            " ORDER BY started_at",
            (student_id,),
        )
        return [_session(row) for row in rows]

    # -- recordings ----------------------------------------------------------------------------

    def add_recording(
        self,
        path: str,
        *,
        recorded_at: dt.datetime,
        duration_s: float,
        sample_rate_hz: int,
        device: str = "",
        student_id: int | None = None,
        piece_id: int | None = None,
        session_id: int | None = None,
        title: str = "",
        content_sha256: str | None = None,
        calibration: Calibration | None = None,
    ) -> Recording:
        """File a take whose audio already lies at `path` (relative to the library folder)."""
        resolve_inside(self.root, path)
        with self._write() as cursor:
            cursor.execute(
                "INSERT INTO recordings(path, title, student_id, piece_id, session_id, recorded_at,"
                " duration_s, device, sample_rate_hz, content_sha256, calibration)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    path,
                    title,
                    student_id,
                    piece_id,
                    session_id,
                    iso_utc(recorded_at),
                    float(duration_s),
                    device,
                    int(sample_rate_hz),
                    content_sha256,
                    calibration_to_json(calibration),
                ),
            )
            recording_id = cursor.lastrowid
        return self.recording(recording_id)

    def recording(self, recording_id: int) -> Recording:
        rows = self._read(_RECORDING_SELECT + " WHERE r.id = ?", (recording_id,))
        if not rows:
            raise LibraryError("This recording is no longer in the library.")
        return _recording(rows[0])

    def recordings(
        self,
        *,
        student_id: int | None = None,
        piece_id: int | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        trashed: bool = False,
    ) -> list[Recording]:
        """Recordings, oldest first, filtered by student, piece and date range [since, until)."""
        conditions = ["r.trashed_at IS NOT NULL" if trashed else "r.trashed_at IS NULL"]
        params: list[Any] = []
        for column, value in (("r.student_id = ?", student_id), ("r.piece_id = ?", piece_id)):
            if value is not None:
                conditions.append(column)
                params.append(value)
        if since is not None:
            conditions.append("r.recorded_at >= ?")
            params.append(iso_utc(since))
        if until is not None:
            conditions.append("r.recorded_at < ?")
            params.append(iso_utc(until))
        sql = f"{_RECORDING_SELECT} WHERE {' AND '.join(conditions)} ORDER BY r.recorded_at, r.id"
        return [_recording(row) for row in self._read(sql, params)]

    def find_by_hash(self, content_sha256: str) -> Recording | None:
        rows = self._read(_RECORDING_SELECT + " WHERE r.content_sha256 = ?", (content_sha256,))
        return _recording(rows[0]) if rows else None

    def find_by_path(self, path: str) -> Recording | None:
        rows = self._read(_RECORDING_SELECT + " WHERE r.path = ?", (path,))
        return _recording(rows[0]) if rows else None

    def search(self, text: str) -> list[Recording]:
        """Recordings (not in the trash) whose student, piece, title, file or comments match."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = (
            _RECORDING_SELECT + " WHERE r.trashed_at IS NULL AND (s.name LIKE :p ESCAPE '\\'"
            " OR p.title LIKE :p ESCAPE '\\' OR r.title LIKE :p ESCAPE '\\'"
            " OR r.path LIKE :p ESCAPE '\\' OR EXISTS (SELECT 1 FROM comments c"
            " WHERE c.recording_id = r.id AND c.text LIKE :p ESCAPE '\\'))"
            " ORDER BY r.recorded_at, r.id"
        )
        return [_recording(row) for row in self._read(sql, {"p": pattern})]

    def rename_recording(self, recording_id: int, title: str) -> Recording:
        """Give a take a title shown instead of its file name (the file keeps its name)."""
        title = " ".join(title.split())
        self._update_one(
            "UPDATE recordings SET title = ? WHERE id = ?", (title, recording_id), "recording"
        )
        return self.recording(recording_id)

    def move_recording(self, recording_id: int, path: str, trashed_at: dt.datetime | None) -> None:
        """Record that a take's file now lies at `path` (in or out of the trash)."""
        resolve_inside(self.root, path)
        stamp = iso_utc(trashed_at) if trashed_at else None
        self._update_one(
            "UPDATE recordings SET path = ?, trashed_at = ? WHERE id = ?",
            (path, stamp, recording_id),
            "recording",
        )

    def forget_recording(self, recording_id: int) -> None:
        """Remove a take's row with its comments and summary (its file is the caller's job)."""
        self._update_one("DELETE FROM recordings WHERE id = ?", (recording_id,), "recording")

    def path_of(self, recording: Recording) -> Path:
        """The absolute path of a take's audio, checked to lie inside the library folder."""
        return resolve_inside(self.root, recording.path)

    # -- comments and analysis summaries -------------------------------------------------------

    def add_comment(self, recording_id: int, text: str, time_s: float | None = None) -> Comment:
        text = text.strip()
        if not text:
            raise LibraryError("A comment needs some text.")
        now = dt.datetime.now(dt.timezone.utc)
        with self._write() as cursor:
            cursor.execute(
                "INSERT INTO comments(recording_id, time_s, text, created_at) VALUES (?, ?, ?, ?)",
                (recording_id, time_s, text, iso_utc(now)),
            )
            comment_id = cursor.lastrowid
        return Comment(comment_id, recording_id, time_s, text, parse_time(iso_utc(now)))

    def import_comment(self, recording_id: int, sidecar_id: str, time_s: float, text: str) -> bool:
        """Add a comment from the recording's comments sidecar unless that sidecar comment was
        imported before (same `sidecar_id`); True when it was added."""
        with self._write() as cursor:
            cursor.execute(
                "INSERT OR IGNORE INTO comments(recording_id, time_s, text, created_at, sidecar_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (recording_id, time_s, text, iso_utc(dt.datetime.now(dt.timezone.utc)), sidecar_id),
            )
            return cursor.rowcount == 1

    def edit_comment(
        self, comment_id: int, *, text: str | None = None, time_s: float | None = None
    ) -> None:
        """Change a comment's text and/or time (None keeps it)."""
        if text is not None and not text.strip():
            raise LibraryError("A comment needs some text.")
        self._update_one(
            "UPDATE comments SET text = COALESCE(?, text), time_s = COALESCE(?, time_s)"
            " WHERE id = ?",
            (text.strip() if text is not None else None, time_s, comment_id),
            "comment",
        )

    def delete_comment(self, comment_id: int) -> None:
        self._update_one("DELETE FROM comments WHERE id = ?", (comment_id,), "comment")

    def comments(self, recording_id: int) -> list[Comment]:
        rows = self._read(
            "SELECT id, recording_id, time_s, text, created_at FROM comments"
            " WHERE recording_id = ? ORDER BY COALESCE(time_s, 0), id",
            (recording_id,),
        )
        return [
            Comment(r["id"], r["recording_id"], r["time_s"], r["text"], parse_time(r["created_at"]))
            for r in rows
        ]

    def store_summary(self, recording_id: int, summary: AnalysisSummary) -> None:
        """Keep (or replace) the analysis summary of a take."""
        with self._write() as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO analysis_summaries(recording_id, analysed_at, tempo_bpm,"
                " dynamic_range_db, note_count, piano, form_share, intensity_share)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    recording_id,
                    iso_utc(dt.datetime.now(dt.timezone.utc)),
                    summary.tempo_bpm,
                    summary.dynamic_range_db,
                    summary.note_count,
                    summary.piano,
                    share_to_json(summary.form_share),
                    share_to_json(summary.intensity_share),
                ),
            )

    def summary(self, recording_id: int) -> AnalysisSummary | None:
        rows = self._read(
            "SELECT * FROM analysis_summaries WHERE recording_id = ?", (recording_id,)
        )
        return _summary(rows[0]) if rows else None

    def summaries(
        self, student_id: int, piece_id: int | None = None
    ) -> list[tuple[Recording, AnalysisSummary | None]]:
        """A student's takes (of one piece, or all), oldest first, each with its summary."""
        return [
            (recording, self.summary(recording.id))
            for recording in self.recordings(student_id=student_id, piece_id=piece_id)
        ]

    def snapshot(self, target: Path) -> None:
        """Copy the database to `target` with SQLite's backup API: consistent even mid-write."""
        with self._lock:
            destination = sqlite3.connect(target)
            try:
                self._connection.backup(destination)
            except sqlite3.Error as error:
                raise _library_error(error) from error
            finally:
                destination.close()

    # -- plumbing ------------------------------------------------------------------------------

    def _read(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._connection.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise _library_error(error) from error

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction; the write lock is taken at BEGIN so it never has to upgrade."""
        with self._lock:
            cursor = self._connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _library_error(error) from error
            try:
                yield cursor
                cursor.execute("COMMIT")
            except sqlite3.IntegrityError as error:
                cursor.execute("ROLLBACK")
                if "recordings.content_sha256" in str(error):
                    raise DuplicateRecording("This recording is already in the library.") from error
                raise LibraryError(_integrity_message(error)) from error
            except sqlite3.Error as error:
                cursor.execute("ROLLBACK")
                raise _library_error(error) from error
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    def _update_one(self, sql: str, params: tuple[Any, ...], what: str) -> None:
        """Run a statement that must touch exactly one row of a `what` (student, ...)."""
        with self._write() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount != 1:
                raise LibraryError(f"This {what} is no longer in the library.")


def _connect_and_migrate(root: Path) -> sqlite3.Connection:
    """A migrated read-write connection, or a read-only one when nothing can be written
    (full or read-only disk: SQLite then says "disk I/O error" or "readonly")."""
    database = root / DATABASE_NAME
    try:
        connection = connect(database)
    except LibraryError:
        if not database.is_file():
            raise
        log.warning("the library in %s cannot be written; opened read-only", root)
        return connect_read_only(database)
    try:
        migrate(connection)
    except sqlite3.OperationalError as error:
        connection.close()
        if not database.is_file():
            raise LibraryError(
                f"The library database in {root} cannot be made ({error})."
            ) from error
        log.warning("the library in %s cannot be written (%s); opened read-only", root, error)
        return connect_read_only(database)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise LibraryError(f"The library database in {root} is damaged ({error}).") from error
    except BaseException:
        connection.close()
        raise
    return connection


def _clean_name(text: str, what: str) -> str:
    name = " ".join(str(text).split())
    if not name:
        raise LibraryError(f"A {what} needs a name.")
    if len(name) > 200:
        raise LibraryError(f"The {what} name is too long (at most 200 characters).")
    return name


def _session(row: sqlite3.Row) -> Session:
    return Session(
        _value(row, "id", int),
        _value(row, "student_id", int),
        parse_time(row["started_at"]),
        _value(row, "note", str),
    )


def _recording(row: sqlite3.Row) -> Recording:
    """A recordings row, each value checked: a restored database is not trusted blindly."""
    trashed_at = _value(row, "trashed_at", str, optional=True)
    return Recording(
        id=_value(row, "id", int),
        path=_value(row, "path", str),
        title=_value(row, "title", str),
        student_id=_value(row, "student_id", int, optional=True),
        student=_value(row, "student", str, optional=True),
        piece_id=_value(row, "piece_id", int, optional=True),
        piece=_value(row, "piece", str, optional=True),
        session_id=_value(row, "session_id", int, optional=True),
        recorded_at=parse_time(row["recorded_at"]),
        duration_s=_value(row, "duration_s", float),
        device=_value(row, "device", str),
        sample_rate_hz=_value(row, "sample_rate_hz", int),
        content_sha256=_value(row, "content_sha256", str, optional=True),
        trashed_at=parse_time(trashed_at) if trashed_at else None,
        calibration=calibration_from_json(_value(row, "calibration", str, optional=True)),
    )


def _summary(row: sqlite3.Row) -> AnalysisSummary:
    return AnalysisSummary(
        tempo_bpm=_value(row, "tempo_bpm", float, optional=True),
        dynamic_range_db=_value(row, "dynamic_range_db", float),
        note_count=_value(row, "note_count", int),
        piano=_value(row, "piano", str, optional=True),
        form_share=share_from_json(row["form_share"]),
        intensity_share=share_from_json(row["intensity_share"]),
    )


def _value(row: sqlite3.Row, column: str, kind: type, *, optional: bool = False) -> Any:
    """`row[column]` if it is of `kind` (floats finite, numbers not negative), else raise."""
    value = row[column]
    if value is None and optional:
        return None
    if kind is float and isinstance(value, int):
        value = float(value)
    if not isinstance(value, kind) or (
        kind in (int, float) and not (math.isfinite(value) and value >= 0)
    ):
        raise LibraryError(f"The library database holds a damaged {column.replace('_', ' ')}.")
    return value


def _integrity_message(error: sqlite3.IntegrityError) -> str:
    text = str(error)
    if "UNIQUE" in text:
        return "That name or file is already in the library."
    if "FOREIGN KEY" in text:
        return "That student, piece, session or recording is not in the library (any more)."
    return f"The library refused the change ({text})."


def _library_error(error: sqlite3.Error) -> LibraryError:
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return LibraryError("The library is busy with another task; please try again.")
    if isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
        return LibraryError(
            "The library can only be read just now (its disk is full or read-only);"
            " free some space and try again."
        )
    return LibraryError(f"The library database could not be used ({error}).")
