"""The whole library as one zip file, and back.

A backup holds a manifest, a consistent snapshot of the database (SQLite's backup API, taken
while the library may be in use) and every file under `recordings/` and `trash/`. Restoring
trusts nothing in the zip: every member name must be a plain relative path under one of those
folders (no `..`, absolute paths, drive letters, backslashes or links), sizes must fit on the
disk, and the database must pass SQLite's integrity check with a schema version this program
knows. Everything is unpacked into a fresh folder next to the library, and only then swapped in,
holding the library's exclusive lock (refused while another process has it open); the old
library is kept beside it as `<name>.before-restore-<time>`. Scratch folders are locked while
in use and removed after a kill (`scratch`); a kill between the swap's two renames is finished
by the next open (`restore_journal`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from pianoscope import __version__
from pianoscope.errors import LibraryError
from pianoscope.library.lock import exclusive
from pianoscope.library.paths import check_relative, resolve_inside
from pianoscope.library.restore_journal import swap_in
from pianoscope.library.schema import (
    CURRENT_VERSION,
    expected_schema,
    migrate,
    schema_objects,
    schema_version,
)
from pianoscope.library.scratch import (
    BACKUP_PREFIX,
    noted,
    remove_stale_folders,
    restoring_prefix,
    scratch_folder,
)
from pianoscope.library.store import DATABASE_NAME, RECORDINGS_FOLDER, TRASH_FOLDER, Library

log = logging.getLogger(__name__)

MANIFEST_NAME = "pianoscope-library.json"
BACKUP_FORMAT = 1
MAX_MEMBERS = 200_000
MAX_MANIFEST_BYTES = 64 * 1024
COPY_BLOCK_BYTES = 1 << 20
_FOLDERS = (RECORDINGS_FOLDER, TRASH_FOLDER)
_COMPRESSED_SUFFIXES = frozenset({".flac", ".ogg", ".mp3"})
# What zipfile raises on damaged, truncated, encrypted or exotic archives.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    files: int
    total_bytes: int


@dataclass(frozen=True)
class BackupContents:
    """A validated backup: its manifest and the members to unpack (name, size in bytes)."""

    schema_version: int
    created_at: str
    members: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class RestoreResult:
    root: Path
    previous: Path | None
    files: int


def backup(library: Library, out_path: str | Path) -> BackupInfo:
    """Write the whole library to the zip file `out_path` (replaced atomically when done)."""
    out_path = Path(out_path).absolute()
    if out_path.resolve().is_relative_to(library.root.resolve()):
        raise LibraryError("Please save the backup outside the library folder.")
    written = total = 0
    try:
        remove_stale_folders(out_path.parent, BACKUP_PREFIX)
        with (
            scratch_folder(out_path.parent, BACKUP_PREFIX) as scratch,
            noted(library.root, scratch),
        ):
            database = scratch / DATABASE_NAME
            temporary = scratch / out_path.name
            library.snapshot(database)
            manifest = {
                "format": BACKUP_FORMAT,
                "app": "pianoscope",
                "app_version": __version__,
                "schema_version": CURRENT_VERSION,
                "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            }
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=2))
                archive.write(database, DATABASE_NAME)
                # Listed after the snapshot: a take filed meanwhile is an unlisted extra file,
                # one deleted meanwhile is skipped; both restore cleanly.
                for relative in _library_files(library.root):
                    compression = (
                        zipfile.ZIP_STORED
                        if Path(relative).suffix.lower() in _COMPRESSED_SUFFIXES
                        else zipfile.ZIP_DEFLATED
                    )
                    try:
                        archive.write(library.root / relative, relative, compress_type=compression)
                    except FileNotFoundError:
                        log.warning("backup: %s disappeared while backing up", relative)
                        continue
                    written += 1
                    total += archive.getinfo(relative).file_size
            os.replace(temporary, out_path)
    except OSError as error:
        raise LibraryError(f"The backup {out_path.name} could not be written ({error}).") from error
    log.info("backup %s: %d files, %d bytes", out_path, written, total)
    return BackupInfo(out_path, written, total)


def read_backup(zip_path: str | Path) -> BackupContents:
    """Open and validate a backup without unpacking it; raises LibraryError if unusable."""
    zip_path = Path(zip_path)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
            members = _validated_members(infos)
            manifest = _manifest(archive)
    except _ZIP_ERRORS as error:
        raise LibraryError(f"{zip_path.name} is not a readable Pianoscope backup.") from error
    return BackupContents(manifest[0], manifest[1], members)


def restore(zip_path: str | Path, root: str | Path) -> RestoreResult:
    """Replace the library in `root` by the backup's contents.

    Refused (LibraryError) while any process has the library open. Nothing in `root` changes
    unless the whole backup unpacked and checked out; the old library is moved aside, not deleted.
    """
    zip_path, root = Path(zip_path), Path(root).absolute()
    contents = read_backup(zip_path)
    if root.is_dir():
        with exclusive(root):  # refuse now rather than after unpacking gigabytes
            pass
    needed = sum(size for _, size in contents.members)
    with contextlib.ExitStack() as stack:
        try:
            root.parent.mkdir(parents=True, exist_ok=True)
            free = shutil.disk_usage(root.parent).free
            staging = stack.enter_context(scratch_folder(root.parent, restoring_prefix(root)))
            if root.is_dir():  # mkdtemp's 0700 would otherwise become the library's permissions
                staging.chmod(stat.S_IMODE(root.stat().st_mode))
        except OSError as error:
            raise LibraryError(f"The library cannot be restored into {root} ({error}).") from error
        if needed > free:
            raise LibraryError("There is not enough free disk space to restore this backup.")
        _unpack(zip_path, contents, staging)
        _check_database(staging)
        _check_rows(staging)
        previous = _swap(staging, root)
    log.info("restored %s into %s (previous library kept at %s)", zip_path, root, previous)
    return RestoreResult(root, previous, len(contents.members) - 1)


def _library_files(root: Path) -> list[str]:
    """Relative paths of the regular files under recordings/ and trash/ (no links, no temps)."""
    found = []
    for folder in _FOLDERS:
        for directory, subfolders, names in os.walk(root / folder, followlinks=False):
            subfolders.sort()
            for name in sorted(names):
                path = Path(directory) / name
                if path.is_symlink() or not path.is_file() or name.startswith(".importing-"):
                    continue
                found.append(path.relative_to(root).as_posix())
    return found


def _validated_members(infos: list[zipfile.ZipInfo]) -> tuple[tuple[str, int], ...]:
    """The file members as (name, size); every name and attribute is checked first."""
    if len(infos) > MAX_MEMBERS:
        raise LibraryError("This backup holds too many files to be a Pianoscope library.")
    seen: set[str] = set()
    members = []
    for info in infos:
        name = info.filename
        is_folder = name.endswith("/")
        relative = check_relative(name[:-1] if is_folder else name).as_posix()
        if stat.S_ISLNK(info.external_attr >> 16):
            raise LibraryError(f"The backup holds a link ({name!r}); it is not restored.")
        if info.flag_bits & 0x1:
            raise LibraryError("The backup is encrypted; Pianoscope's backups never are.")
        if is_folder and relative in (MANIFEST_NAME, DATABASE_NAME):
            raise LibraryError(f"The backup holds a folder called {name!r}.")
        top = relative.split("/")[0]
        if relative not in (MANIFEST_NAME, DATABASE_NAME) and (
            top not in _FOLDERS or (relative == top and not is_folder)
        ):
            raise LibraryError(f"The backup holds {name!r}, which is not part of a library.")
        if relative.casefold() in seen:
            raise LibraryError(f"The backup holds {name!r} twice.")
        seen.add(relative.casefold())
        if not is_folder and relative != MANIFEST_NAME:
            members.append((relative, info.file_size))
    if DATABASE_NAME.casefold() not in seen:
        raise LibraryError("The backup has no library database in it.")
    return tuple(members)


def _manifest(archive: zipfile.ZipFile) -> tuple[int, str]:
    """The manifest's schema version and creation time, validated."""
    try:
        info = archive.getinfo(MANIFEST_NAME)
    except KeyError as error:
        raise LibraryError("This zip file is not a Pianoscope backup (no manifest).") from error
    if info.file_size > MAX_MANIFEST_BYTES:
        raise LibraryError("The backup's manifest is damaged.")
    try:
        raw = json.loads(archive.read(info).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise LibraryError("The backup's manifest is damaged.") from error
    if not isinstance(raw, dict) or raw.get("app") != "pianoscope":
        raise LibraryError("This zip file is not a Pianoscope backup.")
    if raw.get("format") != BACKUP_FORMAT:
        raise LibraryError("This backup was made by another version of Pianoscope's backup.")
    version, created = raw.get("schema_version"), raw.get("created_at")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise LibraryError("The backup's manifest is damaged.")
    if version > CURRENT_VERSION:
        raise LibraryError("This backup is from a newer Pianoscope; please update Pianoscope.")
    if not isinstance(created, str):
        raise LibraryError("The backup's manifest is damaged.")
    return version, created


def _unpack(zip_path: Path, contents: BackupContents, staging: Path) -> None:
    """Write each member under `staging`, at most its declared size (no zip bombs)."""
    with zipfile.ZipFile(zip_path) as archive:
        for name, size in contents.members:
            target = resolve_inside(staging, name)
            written = 0
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(name) as source, target.open("xb") as sink:
                    while block := source.read(COPY_BLOCK_BYTES):
                        written += len(block)
                        if written > size:
                            raise LibraryError(f"The backup's {name!r} is larger than it says.")
                        sink.write(block)
            except _ZIP_ERRORS as error:
                raise LibraryError(f"The backup's {name!r} is damaged ({error}).") from error


def _check_database(staging: Path) -> None:
    """Integrity, and exactly the tables our migrations make for its schema version."""
    connection = sqlite3.connect(staging / DATABASE_NAME, isolation_level=None)
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA cell_size_check = ON")
        if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise LibraryError("The backup's database is damaged.")
        version = schema_version(connection)
        if not 1 <= version <= CURRENT_VERSION:
            raise LibraryError("The backup's database is not a Pianoscope library.")
        if schema_objects(connection) != expected_schema(version):
            raise LibraryError(
                "The backup's database is not laid out like a Pianoscope library"
                " (tables, triggers or views differ)."
            )
        migrate(connection)
        connection.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as error:
        raise LibraryError(f"The backup's database is damaged ({error}).") from error
    finally:
        connection.close()


def _check_rows(staging: Path) -> None:
    """Read every row back as the library will, so damaged values stop the restore now."""
    with Library.open(staging) as restored:
        for student in restored.students():
            restored.sessions(student.id)
        restored.pieces()
        for recording in restored.recordings() + restored.recordings(trashed=True):
            if not restored.path_of(recording).is_file():
                log.warning("restored library: %s is listed but missing", recording.path)
            restored.comments(recording.id)
            restored.summary(recording.id)


def _swap(staging: Path, root: Path) -> Path | None:
    """Move the old library aside (kept) and the restored one into its place."""
    if not root.exists():
        os.replace(staging, root)
        return None
    with exclusive(root):
        return _swap_held(staging, root)


def _swap_held(staging: Path, root: Path) -> Path:
    """`_swap` of an existing library, its lock held."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H-%M-%S")
    previous = root.with_name(f"{root.name}.before-restore-{stamp}")
    number = 2
    while previous.exists():  # restores within one second each keep their own
        previous = root.with_name(f"{root.name}.before-restore-{stamp} ({number})")
        number += 1
    swap_in(staging, root, previous)
    return previous
