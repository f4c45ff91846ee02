"""What the library hands out: immutable rows that can cross from a worker to the GUI thread."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from pianoscope.errors import LibraryError

if TYPE_CHECKING:  # the calibration (numpy, scipy) loads with the first stored one read
    from pianoscope.model.calibration import Calibration


@dataclass(frozen=True)
class Student:
    id: int
    name: str


@dataclass(frozen=True)
class Piece:
    id: int
    title: str


@dataclass(frozen=True)
class PieceScoreFile:
    """The score kept for a piece: the file as it was given (name and bytes)."""

    piece_id: int
    file_name: str
    content: bytes
    content_sha256: str
    stored_at: dt.datetime


@dataclass(frozen=True)
class Session:
    """One lesson or practice session of a student."""

    id: int
    student_id: int
    started_at: dt.datetime
    note: str


@dataclass(frozen=True)
class Recording:
    """A take filed in the library; `path` is relative to the library folder (POSIX form)."""

    id: int
    path: str
    title: str
    student_id: int | None
    student: str | None
    piece_id: int | None
    piece: str | None
    session_id: int | None
    recorded_at: dt.datetime
    duration_s: float
    device: str
    sample_rate_hz: int
    content_sha256: str | None
    trashed_at: dt.datetime | None
    calibration: Calibration | None = None
    """The calibration in force when the take was recorded (None: none, or filed before
    calibrations were kept)."""


@dataclass(frozen=True)
class Comment:
    id: int
    recording_id: int
    time_s: float | None
    text: str
    created_at: dt.datetime


def _frozen_share() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True)
class AnalysisSummary:
    """The few figures of an analysis that progress charts need (DESIGN.md's "summary")."""

    tempo_bpm: float | None
    dynamic_range_db: float
    note_count: int
    piano: str | None = None
    form_share: Mapping[str, float] = field(default_factory=_frozen_share)
    intensity_share: Mapping[str, float] = field(default_factory=_frozen_share)

    def __post_init__(self) -> None:
        object.__setattr__(self, "form_share", MappingProxyType(dict(self.form_share)))
        object.__setattr__(self, "intensity_share", MappingProxyType(dict(self.intensity_share)))


def iso_utc(moment: dt.datetime) -> str:
    """A timestamp as stored: UTC, ISO 8601, seconds; naive times are taken as local time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def parse_time(text: str) -> dt.datetime:
    """A stored or sidecar timestamp back as an aware datetime; raises LibraryError if invalid."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError) as error:
        raise LibraryError(f"The date {text!r} in the library is not a valid date.") from error
    return moment if moment.tzinfo else moment.astimezone()


def share_to_json(share: Mapping[str, float]) -> str:
    return json.dumps({str(k): float(v) for k, v in share.items()}, sort_keys=True)


def share_from_json(text: str) -> dict[str, float]:
    """A stored label share, validated: label -> fraction in [0, 1]; raises LibraryError."""
    try:
        raw = json.loads(text)
    except (TypeError, ValueError, RecursionError) as error:
        raise LibraryError("A stored analysis summary is damaged.") from error
    if not isinstance(raw, dict) or not all(
        isinstance(key, str)
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0.0 <= value <= 1.0
        for key, value in raw.items()
    ):
        raise LibraryError("A stored analysis summary is damaged.")
    return {key: float(value) for key, value in raw.items()}


def calibration_to_json(calibration: Calibration | None) -> str | None:
    return None if calibration is None else json.dumps(calibration.to_json(), sort_keys=True)


def calibration_from_json(text: str | None) -> Calibration | None:
    """A stored calibration, validated; raises LibraryError when it is damaged."""
    if text is None:
        return None
    from pianoscope.model.calibration import Calibration, CalibrationValueError

    try:
        return Calibration.from_json(json.loads(text))
    except (TypeError, ValueError, RecursionError, CalibrationValueError) as error:
        raise LibraryError("A take's stored calibration is damaged.") from error
