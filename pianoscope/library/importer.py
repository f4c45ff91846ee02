"""Bring audio into the library: copy it to `recordings/<student>/<piece>/` and file it.

Files are copied block by block while their SHA-256 is computed, so a long take never sits in
memory and the same audio imported twice is filed once. A take's sidecar (`take.flac.json`)
travels with it and supplies the date, device, student and piece when the caller does not.
Its comments sidecar (`take.flac.comments.json`) is read into the library's comments when the
take is first filed: from then on the library is their one home. Imported folders are walked
without following links, so nothing outside them is picked up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pianoscope.audio.fileio import AudioInfo, probe_audio
from pianoscope.audio.recorder import JOURNAL_SUFFIX, RecordingMetadata, read_sidecar, sidecar_path
from pianoscope.errors import AudioFileError, LibraryError, RecordingError
from pianoscope.library.comment_sidecar import (
    CommentsError,
    comments_path,
    load_comments,
    set_aside,
)
from pianoscope.library.import_copies import copying
from pianoscope.library.paths import relative_inside, safe_name
from pianoscope.library.records import Recording, parse_time
from pianoscope.library.store import RECORDINGS_FOLDER, DuplicateRecording, Library
from pianoscope.model.calibration import Calibration, CalibrationValueError

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".flac", ".wav", ".ogg", ".aiff", ".aif", ".mp3"})
COPY_BLOCK_BYTES = 1 << 20
NO_STUDENT = "No student"
NO_PIECE = "No piece"


@dataclass(frozen=True)
class ImportResult:
    """One file brought in; `duplicate` when the same audio was already filed (nothing copied)."""

    source: Path
    recording: Recording
    duplicate: bool


@dataclass(frozen=True)
class FolderImport:
    """What importing a folder did: files filed, and files left out with the reason why."""

    imported: tuple[ImportResult, ...]
    skipped: tuple[tuple[Path, str], ...]


def recording_folder(library: Library, student: str | None, piece: str | None) -> Path:
    """`<library>/recordings/<student>/<piece>`: where the live window should record takes."""
    return (
        library.root
        / RECORDINGS_FOLDER
        / safe_name(student, NO_STUDENT)
        / safe_name(piece, NO_PIECE)
    )


def import_file(
    library: Library, source: str | Path, *, student: str | None = None, piece: str | None = None
) -> ImportResult:
    """Copy one recording into the library and file it under `student` and `piece`.

    Without `student`/`piece`, the sidecar's are used. Raises LibraryError when the file is not
    readable audio or cannot be copied.
    """
    source = Path(source)
    info = _probe(source)
    metadata = _sidecar(source)
    student = student or (metadata.student if metadata else None)
    piece = piece or (metadata.piece if metadata else None)
    folder = recording_folder(library, student, piece)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with copying(folder) as (copy, temporary):
            digest = _copy_hashing(source, copy)
            existing = library.find_by_hash(digest)
            if existing is not None:
                temporary.unlink()
                log.info("%s is already in the library as %s", source.name, existing.path)
                return ImportResult(source, existing, duplicate=True)
            target = _reserve_name(folder, safe_name(source.stem, "take") + source.suffix.lower())
            os.replace(temporary, target)
    except OSError as error:
        raise LibraryError(
            f"{source.name} could not be copied into the library ({error})."
        ) from error
    try:
        if metadata is not None:
            shutil.copyfile(sidecar_path(source), sidecar_path(target))
        recording = _file(
            library,
            target,
            info.duration_s,
            info.sample_rate_hz,
            metadata,
            student,
            piece,
            digest,
            _recorded_at(source, metadata),
        )
    except DuplicateRecording:
        # Another import of the same audio won the race between our check and our filing.
        _remove_with_sidecar(target)
        existing = library.find_by_hash(digest)
        if existing is None:
            raise
        return ImportResult(source, existing, duplicate=True)
    except BaseException:
        _remove_with_sidecar(target)
        raise
    file_sidecar_comments(library, recording.id, source)
    return ImportResult(source, recording, duplicate=False)


def import_folder(
    library: Library, folder: str | Path, *, student: str | None = None, piece: str | None = None
) -> FolderImport:
    """Import every recording under `folder` (links are not followed); a bad file is skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LibraryError(f"{folder} is not a folder.")
    imported: list[ImportResult] = []
    skipped: list[tuple[Path, str]] = []
    files, links, journals = _audio_files(folder)
    skipped.extend((link, "it is a link; links are not followed") for link in links)
    skipped.extend(
        (
            journal,
            "a recording that was interrupted and never finished; keep it with"
            f" `pianoscope recover {journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)])}`"
            " and import it then",
        )
        for journal in journals
    )
    for path in files:
        try:
            imported.append(import_file(library, path, student=student, piece=piece))
        except LibraryError as error:
            skipped.append((path, str(error)))
    return FolderImport(tuple(imported), tuple(skipped))


def file_take(
    library: Library, take: str | Path, *, student: str | None = None, piece: str | None = None
) -> ImportResult:
    """File a take just recorded: in place if it was recorded inside the library, else copied."""
    take = Path(take)
    if not take.resolve().is_relative_to(library.root.resolve()):
        return import_file(library, take, student=student, piece=piece)
    relative = relative_inside(library.root, take)
    already = library.find_by_path(relative)
    if already is not None:
        file_sidecar_comments(library, already.id, take, remove=True)
        return ImportResult(take, already, duplicate=True)
    info = _probe(take)
    metadata = _sidecar(take)
    student = student or (metadata.student if metadata else None)
    piece = piece or (metadata.piece if metadata else None)
    details = (take, info.duration_s, info.sample_rate_hz, metadata, student, piece)
    try:
        recording = _file(library, *details, _hash(take), _recorded_at(take, metadata))
    except DuplicateRecording:
        # A take recorded here that is byte for byte another (two silent takes) is still its
        # own take: file it without the hash, which only serves to skip re-imports.
        recording = _file(library, *details, None, _recorded_at(take, metadata))
    file_sidecar_comments(library, recording.id, take, remove=True)
    return ImportResult(take, recording, duplicate=False)


def file_sidecar_comments(
    library: Library, recording_id: int, audio: Path, *, remove: bool = False
) -> int:
    """Bring the comments sidecar of `audio` into the library's comments of `recording_id`;
    returns how many were new. A sidecar comment imported before is not added again. With
    `remove` (a sidecar inside the library) the sidecar is deleted once its comments are in
    the database. A damaged sidecar is a warning; it is never lost: left where it is, or with
    `remove`, kept aside as `...comments.damaged.json`."""
    sidecar = comments_path(audio)
    if not sidecar.is_file():
        return 0
    try:
        comments = load_comments(audio)
    except CommentsError as error:
        if remove:
            error = CommentsError(f"{error} It is kept as {set_aside(sidecar).name}.")
        log.warning("%s", error)
        return 0
    added = sum(
        library.import_comment(recording_id, comment.id, comment.time_s, comment.text)
        for comment in comments
    )
    if remove:
        sidecar.unlink(missing_ok=True)
    log.info("%d of %d comments of %s filed in the library", added, len(comments), audio.name)
    return added


def _file(
    library: Library,
    target: Path,
    duration_s: float,
    sample_rate_hz: int,
    metadata: RecordingMetadata | None,
    student: str | None,
    piece: str | None,
    digest: str | None,
    recorded_at: dt.datetime,
) -> Recording:
    student_row = library.ensure_student(student) if student else None
    piece_row = library.ensure_piece(piece) if piece else None
    session = library.ensure_session(student_row.id, recorded_at) if student_row else None
    return library.add_recording(
        relative_inside(library.root, target),
        recorded_at=recorded_at,
        duration_s=duration_s,
        sample_rate_hz=sample_rate_hz,
        device=metadata.device if metadata else "",
        student_id=student_row.id if student_row else None,
        piece_id=piece_row.id if piece_row else None,
        session_id=session.id if session else None,
        content_sha256=digest,
        calibration=_calibration(metadata),
    )


def _calibration(metadata: RecordingMetadata | None) -> Calibration | None:
    """The calibration the take's sidecar keeps; one that cannot be read is left out (the take
    is still filed, and analysed uncalibrated) with a warning."""
    if metadata is None or metadata.calibration is None:
        return None
    try:
        return Calibration.from_json(metadata.calibration)
    except CalibrationValueError as error:
        log.warning("the calibration kept with the take is ignored: %s", error)
        return None


def _probe(source: Path) -> AudioInfo:
    if not source.is_file():
        raise LibraryError(f"{source} is not a file.")
    try:
        return probe_audio(source)
    except AudioFileError as error:
        raise LibraryError(f"{source.name} was not imported: {error}") from error


def _sidecar(source: Path) -> RecordingMetadata | None:
    """The take's validated sidecar, or None when it has none or it is unusable."""
    if not sidecar_path(source).is_file():
        return None
    try:
        return read_sidecar(source)
    except RecordingError as error:
        log.warning("%s: sidecar ignored: %s", source.name, error)
        return None


def _recorded_at(source: Path, metadata: RecordingMetadata | None) -> dt.datetime:
    if metadata is not None:
        try:
            return parse_time(metadata.started_at)
        except LibraryError:
            log.warning("%s: the sidecar's start time is not a date", source.name)
    return dt.datetime.fromtimestamp(source.stat().st_mtime, dt.timezone.utc)


def _copy_hashing(source: Path, copy: BinaryIO) -> str:
    """Copy `source` into `copy` block by block, synced to disk; returns its SHA-256."""
    digest = hashlib.sha256()
    with source.open("rb") as origin:
        while block := origin.read(COPY_BLOCK_BYTES):
            digest.update(block)
            copy.write(block)
    copy.flush()
    os.fsync(copy.fileno())
    return digest.hexdigest()


def _remove_with_sidecar(target: Path) -> None:
    target.unlink(missing_ok=True)
    sidecar_path(target).unlink(missing_ok=True)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as origin:
        while block := origin.read(COPY_BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _reserve_name(folder: Path, name: str) -> Path:
    """Create and return `folder/name`, or `folder/stem (2).ext`, ... : the first free one.

    Creating the file exclusively reserves the name, so two imports at once never overwrite
    each other's take.
    """
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while True:
        if not sidecar_path(candidate).exists():
            try:
                candidate.open("xb").close()
                return candidate
            except FileExistsError:
                pass
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1


def _audio_files(folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """Audio files under `folder`, sorted; links found there (neither followed nor taken); and
    the journals of interrupted recordings, which are reported rather than imported."""
    found, links, journals = [], [], []
    for directory, subfolders, files in os.walk(folder, followlinks=False):
        subfolders.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if name.endswith(JOURNAL_SUFFIX):
                journals.append(path)
            elif path.suffix.lower() in AUDIO_SUFFIXES:
                (links if path.is_symlink() else found).append(path)
    return found, links, journals
