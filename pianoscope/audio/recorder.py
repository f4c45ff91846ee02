"""Drain a ring buffer to disk so that a crash loses at most about one second.

While recording, samples go in small chunks to a WAV journal (`take.flac.partial.wav`) whose header
libsndfile rewrites on every flush, so the journal opens after `kill -9` or a power cut (it is
fsynced every second). On a clean stop the journal becomes the requested file: renamed for WAV,
encoded block-wise for FLAC. A JSON sidecar (`take.flac.json`) written at the start and updated at
the end keeps the metadata; `find_interrupted` and `recover` turn a left-over journal into a normal
recording.

The recorder also keeps the take's `TakeTimeline`: which ring samples each take sample was, so that
the live classifier can read a take segment from the ring exactly, even across a pause.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import errno
import json
import logging
import math
import os
import threading
import time
from dataclasses import asdict, dataclass, replace
from operator import attrgetter
from pathlib import Path

import numpy as np
import soundfile as sf

from pianoscope.audio.ringbuffer import RingBuffer, RingReader
from pianoscope.audio.wav_journal import WavJournal
from pianoscope.errors import AudioFileError, RecordingError

log = logging.getLogger(__name__)

JOURNAL_SUFFIX = ".partial.wav"
SIDECAR_SUFFIX = ".json"
FORMATS = {".flac": "FLAC", ".wav": "WAV"}
_FLAC_SUBTYPE = "PCM_24"
_TRANSCODE_BLOCK_FRAMES = 1 << 18


@dataclass(frozen=True)
class RecordingMetadata:
    """What the sidecar JSON says about a take."""

    started_at: str
    device: str
    sample_rate_hz: int
    format: str
    state: str = "recording"
    student: str | None = None
    piece: str | None = None
    duration_s: float | None = None
    lost_samples: int = 0
    calibration: dict[str, object] | None = None
    """The level calibration in force when the take was recorded, as plain JSON data
    (`pianoscope.model.calibration.Calibration.to_json`); None for none or an older sidecar."""


@dataclass(frozen=True)
class RecordingResult:
    """A finished take: where it is (None when nothing was recorded) and how long it lasted."""

    path: Path | None
    duration_s: float
    lost_samples: int
    error: str | None = None


@dataclass(frozen=True)
class KeptStretch:
    """Take samples [take_start, take_start + frames) are ring samples [ring_start, ring_end)."""

    take_start: int
    ring_start: int
    frames: int

    @property
    def ring_end(self) -> int:
        return self.ring_start + self.frames


class TakeTimeline:
    """Which ring samples a take holds, in take order: one stretch per run the recorder kept
    without a pause, so that a take sample is found in the ring after audio was left out.

    The recorder thread appends; any thread may ask.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stretches: list[KeptStretch] = []
        self._frames = 0

    @property
    def frames(self) -> int:
        """Take samples kept so far."""
        return self._frames

    def append(self, ring_start: int, frames: int) -> None:
        """The take continues with ring samples [ring_start, ring_start + frames)."""
        if frames <= 0:
            return
        with self._lock:
            last = self._stretches[-1] if self._stretches else None
            if last is not None and last.ring_end == ring_start:
                self._stretches[-1] = replace(last, frames=last.frames + frames)
            else:
                self._stretches.append(KeptStretch(self._frames, ring_start, frames))
            self._frames += frames

    def ring_pieces(self, start: int, end: int) -> list[KeptStretch]:
        """The stretches holding take samples [start, end), cut to them, in order; empty unless
        the take holds all of them."""
        with self._lock:
            if not 0 <= start < end <= self._frames:
                return []
            first = bisect.bisect_right(self._stretches, start, key=attrgetter("take_start")) - 1
            pieces = []
            for stretch in self._stretches[first:]:
                if stretch.take_start >= end:
                    break
                cut_start = max(start, stretch.take_start)
                cut_end = min(end, stretch.take_start + stretch.frames)
                ring_start = stretch.ring_start + cut_start - stretch.take_start
                pieces.append(KeptStretch(cut_start, ring_start, cut_end - cut_start))
            return pieces


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + JOURNAL_SUFFIX)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


class Recorder:
    """Writes everything `ring` receives from `start()` to `stop()` into `path` (FLAC or WAV)."""

    def __init__(
        self,
        ring: RingBuffer,
        path: str | Path,
        *,
        sample_rate_hz: int,
        device: str = "",
        student: str | None = None,
        piece: str | None = None,
        calibration: dict[str, object] | None = None,
        max_frames: int | None = None,
        from_start: bool = False,
        chunk_s: float = 0.25,
        fsync_interval_s: float = 1.0,
    ) -> None:
        self.path = Path(path)
        self._max_frames = max_frames
        self._from_start = from_start
        if self.path.suffix.lower() not in FORMATS:
            raise RecordingError(
                f"Recordings are saved as .flac or .wav, not {self.path.suffix or 'no extension'}."
            )
        self._ring = ring
        self._sample_rate_hz = sample_rate_hz
        self._chunk_s = chunk_s
        self._fsync_interval_s = fsync_interval_s
        self._metadata = RecordingMetadata(
            started_at="",
            device=device,
            sample_rate_hz=sample_rate_hz,
            format=FORMATS[self.path.suffix.lower()],
            student=student,
            piece=piece,
            calibration=calibration,
        )
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._journal: WavJournal | None = None
        self._reader: RingReader | None = None
        self._timeline = TakeTimeline()
        self._lost = 0
        self._error: str | None = None
        self._paused = threading.Event()

    @property
    def elapsed_s(self) -> float:
        """Seconds safely written so far."""
        return self._journal.frames / self._sample_rate_hz if self._journal else 0.0

    @property
    def timeline(self) -> TakeTimeline:
        """Where in the ring each sample of the take was (pauses leave audio out of the take)."""
        return self._timeline

    @property
    def consumed_index(self) -> int:
        """Ring index up to which the recorder has taken samples (written, or dropped while
        paused); 0 before `start()`.

        Read-only, for callers that must know the recorder has caught up with the ring, e.g. that
        audio arriving during a pause has been passed over rather than still waiting to be read.
        """
        return self._reader.position if self._reader is not None else 0

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    def pause(self) -> None:
        """Stop writing until `resume()`; what arrives meanwhile is not part of the take."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    @property
    def error(self) -> str | None:
        """Why recording stopped early (disk full ...), or None."""
        return self._error

    @property
    def running(self) -> bool:
        """True until stopped, until `max_frames` are written, or until a write failed."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Create the journal and sidecar and start draining; raises RecordingError if it can't."""
        if journal_path(self.path).exists():
            raise RecordingError(
                f"A recording of {self.path} was interrupted (a crash or power cut left"
                f" {journal_path(self.path).name}). Keep it with `pianoscope recover {self.path}`,"
                " or choose another name."
            )
        if self.path.exists():
            raise RecordingError(f"{self.path} already exists; choose another name.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._journal = WavJournal(journal_path(self.path), self._sample_rate_hz)
            self._metadata = replace(
                self._metadata, started_at=dt.datetime.now(dt.timezone.utc).isoformat()
            )
            _write_sidecar(self.path, self._metadata)
        except OSError as error:
            if self._journal is not None:
                self._journal.close()
            raise RecordingError(f"Cannot record to {self.path}: {error.strerror}.") from error
        self._reader = self._ring.reader(from_start=self._from_start)
        self._thread = threading.Thread(target=self._drain, args=(self._reader,), name="recorder")
        self._thread.start()

    def stop(self) -> RecordingResult:
        """Finish the take: write what is left, close the journal and produce the final file."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        duration_s = self.elapsed_s
        if duration_s == 0.0:
            self._discard_empty_take()
            return RecordingResult(None, 0.0, self._lost, self._error or "Nothing was recorded.")
        metadata = replace(self._metadata, duration_s=duration_s, lost_samples=self._lost)
        try:
            finalise(self.path)
        except (OSError, AudioFileError) as error:
            kept = journal_path(self.path)
            self._error = (
                f"Could not finish {self.path.name} ({error}); the take is kept in {kept}"
                f" (`pianoscope recover {self.path}` finishes it once there is room)."
            )
            log.error("%s", self._error)
            self._finish_sidecar(replace(metadata, state="unfinished"))
            return RecordingResult(kept, duration_s, self._lost, self._error)
        self._finish_sidecar(replace(metadata, state="complete"))
        return RecordingResult(self.path, duration_s, self._lost, self._error)

    def _finish_sidecar(self, metadata: RecordingMetadata) -> None:
        """Write the final sidecar; failing that, the take is still kept, so only log it."""
        try:
            _write_sidecar(self.path, metadata)
        except OSError as error:
            log.error("the notes kept with %s could not be updated (%s)", self.path.name, error)

    def _discard_empty_take(self) -> None:
        """A take without a single sample leaves no files behind."""
        for leftover in (journal_path(self.path), sidecar_path(self.path)):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _drain(self, reader: RingReader) -> None:
        """Recorder thread: every chunk_s, append what the ring received; fsync every second."""
        journal = self._journal
        last_sync_s = time.monotonic()
        stopping = False
        while not stopping:
            stopping = self._stop.wait(self._chunk_s)
            result = reader.read()
            if self._paused.is_set():
                continue
            try:
                if result.lost:
                    log.warning("recorder fell behind: %d samples lost", result.lost)
                    self._lost += result.lost
                    journal.append(np.zeros(result.lost, dtype=np.float32))
                    # They were these ring samples, since overwritten: the ring holds them no more.
                    self._timeline.append(result.start_index - result.lost, result.lost)
                samples = result.samples
                if self._max_frames is not None:
                    samples = samples[: max(0, self._max_frames - journal.frames)]
                    stopping = stopping or journal.frames + samples.size >= self._max_frames
                journal.append(samples)
                self._timeline.append(result.start_index, samples.size)
                if stopping or time.monotonic() - last_sync_s >= self._fsync_interval_s:
                    journal.sync()
                    last_sync_s = time.monotonic()
            except OSError as error:
                self._error = (
                    f"Recording stopped: could not write to {self.path.parent} "
                    f"({error.strerror}). The first {self.elapsed_s:.1f} s are kept."
                )
                log.error("%s", self._error)
                stopping = True
        journal.close()


def finalise(path: Path) -> Path:
    """Turn the journal of `path` into `path` itself (rename for WAV, block-wise encode for FLAC).

    The journal is removed only after the final file is complete, so a failure keeps the take.
    """
    journal = journal_path(path)
    if FORMATS[path.suffix.lower()] == "WAV":
        os.replace(journal, path)
        return path
    temporary = path.with_name(path.name + ".encoding")
    try:
        with (
            sf.SoundFile(str(journal)) as source,
            sf.SoundFile(
                str(temporary),
                "w",
                samplerate=source.samplerate,
                channels=1,
                format="FLAC",
                subtype=_FLAC_SUBTYPE,
            ) as target,
        ):
            for block in source.blocks(_TRANSCODE_BLOCK_FRAMES, dtype="float32"):
                target.write(np.clip(block, -1.0, 1.0))
        os.replace(temporary, path)
    except (sf.LibsndfileError, RuntimeError, AssertionError) as error:
        # pysoundfile reports a short write (full disk) as AssertionError.
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise AudioFileError(f"could not encode FLAC: {error or 'disk full'}") from error
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    journal.unlink()
    return path


def find_interrupted(folder: str | Path) -> list[Path]:
    """Takes that never finished (a journal is left), as the paths they were meant to have."""
    return sorted(
        journal.with_name(journal.name[: -len(JOURNAL_SUFFIX)])
        for journal in Path(folder).rglob("*" + JOURNAL_SUFFIX)
    )


def recover(path: str | Path) -> RecordingResult:
    """Finish an interrupted take from its journal and mark its sidecar as recovered."""
    path = Path(path)
    journal = journal_path(path)
    if not journal.is_file():
        raise RecordingError(f"There is nothing to recover for {path.name}.")
    try:
        info = sf.info(str(journal))
        frames, sample_rate_hz = info.frames, info.samplerate
        finalise(path)
    except (sf.LibsndfileError, RuntimeError, OSError, AudioFileError) as error:
        raise RecordingError(
            f"{journal.name} could not be turned into {path.name} ({error}); it is left as it is."
        ) from error
    duration_s = frames / sample_rate_hz
    try:
        metadata = read_sidecar(path)
    except RecordingError:
        metadata = RecordingMetadata(
            started_at="",
            device="",
            sample_rate_hz=sample_rate_hz,
            format=FORMATS[path.suffix.lower()],
        )
    _write_sidecar(path, replace(metadata, state="recovered", duration_s=duration_s))
    return RecordingResult(path, duration_s, metadata.lost_samples)


def read_sidecar(path: str | Path) -> RecordingMetadata:
    """The metadata of a take, validated; raises RecordingError if the sidecar is unusable."""
    sidecar = sidecar_path(Path(path))
    name = Path(path).name
    try:
        raw = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise RecordingError(f"The notes kept with {name} are unreadable.") from error
    if not isinstance(raw, dict):
        raise RecordingError(f"The notes kept with {name} are unreadable.")
    fields = {key: raw[key] for key in RecordingMetadata.__dataclass_fields__ if key in raw}
    problem = _sidecar_problem(fields)
    if problem:
        raise RecordingError(f"The notes kept with {name} are invalid: {problem}.")
    return RecordingMetadata(**fields)


def _sidecar_problem(fields: dict[str, object]) -> str | None:
    """What is wrong with sidecar fields, or None; types are checked before any use."""
    for required in ("started_at", "device", "sample_rate_hz", "format"):
        if required not in fields:
            return f"{required} is missing"
    text_fields = ("started_at", "device", "format", "state")
    if any(not isinstance(fields.get(key, ""), str) for key in text_fields):
        return "a text field holds something else"
    if any(
        fields.get(key) is not None and not isinstance(fields[key], str)
        for key in ("student", "piece")
    ):
        return "student or piece is not text"
    rate = fields["sample_rate_hz"]
    if isinstance(rate, bool) or not isinstance(rate, int) or not 1_000 <= rate <= 768_000:
        return "the sample rate is not a plausible whole number of Hz"
    if fields["format"] not in FORMATS.values():
        return "the format is neither FLAC nor WAV"
    duration = fields.get("duration_s")
    if duration is not None and (
        isinstance(duration, bool)
        or not isinstance(duration, int | float)
        or not 0 <= duration < 1e7
    ):
        return "the duration is not a plausible number of seconds"
    lost = fields.get("lost_samples", 0)
    if isinstance(lost, bool) or not isinstance(lost, int) or lost < 0:
        return "the lost-sample count is not a whole number"
    calibration = fields.get("calibration")
    if calibration is not None and not _plain_table(calibration):
        return "the calibration is not a small table of names and numbers"
    return None


def _plain_table(value: object) -> bool:
    """A dict of at most 16 short names to text, finite numbers or up to 8 finite numbers: the
    shape of a calibration, checked here without knowing what it means."""

    def number(item: object) -> bool:
        return isinstance(item, int | float) and not isinstance(item, bool) and math.isfinite(item)

    return (
        isinstance(value, dict)
        and len(value) <= 16
        and all(
            isinstance(key, str)
            and len(key) <= 40
            and (
                (isinstance(item, str) and len(item) <= 40)
                or number(item)
                or (isinstance(item, list) and len(item) <= 8 and all(map(number, item)))
            )
            for key, item in value.items()
        )
    )


def _write_sidecar(path: Path, metadata: RecordingMetadata) -> None:
    """Write the sidecar atomically (temporary file, then rename), never leaving the temporary.

    On a full disk no new file can be written, but a sidecar that still says "recording" would
    be wrong; the old sidecar's blocks are already allocated and the new one (a few hundred
    bytes) fits in them, so it is then overwritten in place.
    """
    sidecar = sidecar_path(path)
    temporary = sidecar.with_name(sidecar.name + ".tmp")
    text = json.dumps(asdict(metadata), indent=2).encode("utf-8")
    try:
        temporary.write_bytes(text)
        os.replace(temporary, sidecar)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if error.errno not in (errno.ENOSPC, errno.EDQUOT) or not sidecar.is_file():
            raise
        _overwrite_in_place(sidecar, text)


def _overwrite_in_place(target: Path, data: bytes) -> None:
    descriptor = os.open(target, os.O_WRONLY)
    try:
        written = 0
        while written < len(data):
            written += os.pwrite(descriptor, data[written:], written)
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
