"""Analyse every recording in a folder tree in parallel: a process pool, or a Dask cluster.

One JSON per recording (the `pianoscope analyse` contract) lands under the output folder at the
recording's relative path, written atomically, so an interrupted batch resumes by skipping the
recordings whose JSON exists. A failure is reported for its file and the batch goes on. The
summary CSV lists every recording with its status and headline numbers: `piano` is the take's
piano (a known one, `unknown` for another piano, empty when no piano was heard), `piano_share`
the share of its classified segments where a piano plays, `form` and `intensity` the most
frequent labels over every piano segment, known or not. JSON written before `instrument_share`
existed leaves `piano_share` empty.

Segments are labelled with the teacher's classifier (as `pianoscope analyse` does), loaded once
per worker process and kept there: only file names cross to the workers, so the work stays
picklable for the process pool and for Dask. A worker on another machine uses that machine's
choice of enrolment.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pianoscope.analysis.export import write_json
from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import SegmentLabeller
from pianoscope.app.enrolment import active_enrolment
from pianoscope.app.segment_labeller import load_user_labeller, take_labeller
from pianoscope.app.take_calibration import take_calibration
from pianoscope.audio.recorder import JOURNAL_SUFFIX
from pianoscope.errors import PianoscopeError
from pianoscope.model.calibration import Calibration
from pianoscope.numeric_threads import use_one_thread_per_process

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".oga", ".aif", ".aiff", ".mp3", ".opus"})
SUMMARY_NAME = "summary.csv"
SUMMARY_FIELDS = (
    "file",
    "status",
    "duration_s",
    "note_count",
    "tempo_bpm",
    "dynamic_range_db",
    "piano",
    "piano_share",
    "form",
    "intensity",
    "error",
)


@dataclass(frozen=True)
class BatchItem:
    """The outcome for one recording."""

    file: str
    status: str  # "done", "skipped" (already done) or "failed"
    output: str | None
    error: str | None
    elapsed_s: float
    duration_s: float
    warning: str | None = None  # why the segments are not labelled, when they should have been


@dataclass(frozen=True)
class BatchReport:
    items: tuple[BatchItem, ...]
    elapsed_s: float
    summary_csv: Path

    @property
    def failed(self) -> tuple[BatchItem, ...]:
        return tuple(item for item in self.items if item.status == "failed")

    @property
    def audio_s(self) -> float:
        """Seconds of audio analysed in this run (skipped recordings not counted)."""
        return sum(item.duration_s for item in self.items if item.status == "done")


BatchProgress = Callable[[int, int, BatchItem], None]
"""Called after each recording with (finished, total, item)."""


def find_recordings(root: str | Path) -> list[Path]:
    """Audio files under `root` (recursively, sorted), leaving out journals and hidden files."""
    root = Path(root)
    if not root.is_dir():
        raise PianoscopeError(f"{root} is not a folder.")
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix.lower() in AUDIO_SUFFIXES
        and not path.name.endswith(JOURNAL_SUFFIX)
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def output_path(recording: Path, root: Path, out: Path) -> Path:
    """Where a recording's JSON goes: the same relative path under `out`, plus `.json`."""
    relative = recording.relative_to(root)
    target = (out / relative).with_name(relative.name + ".json")
    if not target.resolve().is_relative_to(out.resolve()):
        raise PianoscopeError(f"{recording} would be written outside {out}.")
    return target


def worker_count(requested: int | None) -> int:
    """Local processes for `requested` (None: one per core), never more than the machine's
    cores: more processes than cores only share them, and each holds a copy of the analysis."""
    cores = os.cpu_count() or 1
    return max(1, min(requested or cores, cores))


def analyse_to_json(
    source: str, target: str, labels: bool = True, calibration: dict | None = None
) -> BatchItem:
    """Worker task (runs in another process or on a Dask worker): analyse one file to JSON,
    its segments labelled by this worker's classifier unless `labels` is False, with
    `calibration` (`Calibration.to_json` data: picklable) or else the take's stored one.

    Any failure is this file's failure, whatever its type (a damaged file may trip an error
    nobody foresaw): it is reported in the item and the batch goes on.
    """
    started = time.monotonic()
    labeller, warning = worker_labeller() if labels else (None, None)
    try:
        override = None if calibration is None else Calibration.from_json(calibration)
        calibration = take_calibration(Path(source), override=override)
        analysis = analyse_file(
            source, labeller=take_labeller(labeller, calibration), calibration=calibration
        )
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        write_json(analysis.to_json_dict(), target)
    except Exception as error:  # one bad file must not stop the batch
        if not isinstance(error, PianoscopeError | OSError):
            log.exception("unexpected failure analysing %s", source)
        return BatchItem(source, "failed", None, _failure(error), time.monotonic() - started, 0.0)
    elapsed_s = time.monotonic() - started
    return BatchItem(source, "done", target, None, elapsed_s, analysis.duration_s, warning)


_loading_labeller = threading.Lock()  # a Dask worker may run several tasks in threads


def worker_labeller() -> tuple[SegmentLabeller | None, str | None]:
    """This process's labeller and, when the classifier does not load, why not. Loaded on the
    first task and kept while the teacher's choice of enrolment stays the same (torch and the
    weights take about a second; a file takes less). Keyed by that choice because a forked
    worker inherits its parent's cache, which may predate the choice."""
    with _loading_labeller:
        return _load_labeller_once(active_enrolment())


@functools.cache
def _load_labeller_once(enrolment: Path | None) -> tuple[SegmentLabeller | None, str | None]:
    try:
        return load_user_labeller(), None
    except PianoscopeError as error:  # reported with each item, once by the command
        return None, str(error)


def run_batch(
    root: str | Path,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: BatchProgress | None = None,
    connect_timeout_s: float = 10.0,
    labels: bool = True,
    calibration: Calibration | None = None,
) -> BatchReport:
    """Analyse every recording under `root` not yet done in `out`; write the summary CSV.
    `labels` labels the segments with the teacher's classifier (see `analyse_to_json`), each
    take with `calibration` if given, else with the one it was recorded with.

    `scheduler` ("tcp://host:port") sends the work to a Dask distributed cluster instead of a
    local process pool of `workers` processes (default: one per core); an unreachable scheduler
    is reported after `connect_timeout_s`.
    """
    root, out = Path(root), Path(out)
    started = time.monotonic()
    recordings = find_recordings(root)
    _make_output_folder(out)
    items: list[BatchItem] = []
    todo: list[tuple[str, str, bool, dict | None]] = []
    calibration_data = None if calibration is None else calibration.to_json()
    for recording in recordings:
        target = output_path(recording, root, out)
        if target.is_file():
            items.append(BatchItem(str(recording), "skipped", str(target), None, 0.0, 0.0))
        else:
            todo.append((str(recording), str(target), labels, calibration_data))
    total = len(recordings)
    for item in items:
        _report(progress, len(items), total, item)
    if scheduler:
        runner = _run_on_dask(todo, scheduler, connect_timeout_s)
    else:
        runner = _run_locally(todo, workers)
    for item in runner:
        items.append(item)
        _report(progress, len(items), total, item)
    summary = write_summary(out, recordings, items)
    return BatchReport(tuple(items), time.monotonic() - started, summary)


def _make_output_folder(out: Path) -> None:
    """Create `out`, or say in a sentence why it cannot be the output folder."""
    if out.exists() and not out.is_dir():
        raise PianoscopeError(f"{out} is a file; --out needs a folder for the results.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".{SUMMARY_NAME}.tmp"
        probe.touch()
        probe.unlink()
    except OSError as error:
        raise PianoscopeError(
            f"Cannot write the results in {out}: {error.strerror or error}."
        ) from error


def write_summary(out: Path, recordings: list[Path], items: list[BatchItem]) -> Path:
    """One row per recording in tree order, read back from its JSON when it has one."""
    by_file = {item.file: item for item in items}
    rows = []
    for recording in recordings:
        item = by_file.get(str(recording))
        row = {field: "" for field in SUMMARY_FIELDS}
        row["file"] = str(recording)
        if item is None or item.status == "failed":
            row["status"] = "failed"
            row["error"] = item.error if item else "not analysed"
        else:
            row["status"] = "ok"
            row.update(_summary_numbers(Path(item.output)))
        rows.append(row)
    summary = out / SUMMARY_NAME
    temporary = summary.with_name(f".{SUMMARY_NAME}.tmp")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUMMARY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(temporary, summary)
    return summary


def _summary_numbers(json_path: Path) -> dict[str, object]:
    try:
        data = json.loads(json_path.read_text(encoding="utf-8"))
        summary = data["summary"]
        return {
            "duration_s": data["duration_s"],
            "note_count": summary["note_count"],
            "tempo_bpm": summary["tempo_bpm"] if summary["tempo_bpm"] is not None else "",
            "dynamic_range_db": summary["dynamic_range_db"],
            "piano": summary["piano"] or "",
            "piano_share": _piano_share(summary.get("instrument_share")),
            "form": _dominant(summary["form_share"]),
            "intensity": _dominant(summary["intensity_share"]),
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        return {"status": "failed", "error": f"unreadable result {json_path.name}: {error}"}


def _piano_share(instrument_share: dict[str, float] | None) -> float | str:
    """Share of classified segments where a piano plays; "" when nothing says (old JSON, or
    no segment classified)."""
    if not instrument_share:
        return ""
    return instrument_share.get("piano", 0.0)


def _dominant(shares: dict[str, float]) -> str:
    """The label with the largest share, or "" when nothing was labelled."""
    return max(shares, key=shares.__getitem__) if shares else ""


def _failure(error: BaseException) -> str:
    """A failure in one line: our own errors speak for themselves, others are named."""
    if isinstance(error, PianoscopeError):
        return str(error)
    return f"could not be analysed ({type(error).__name__}: {error})"


def _run_locally(
    todo: list[tuple[str, str, bool, dict | None]], workers: int | None
) -> Iterator[BatchItem]:
    if not todo:
        return
    count = worker_count(workers)
    # several processes share the CPUs already: each analyses on one thread
    one_thread = use_one_thread_per_process if count > 1 else None
    with ProcessPoolExecutor(max_workers=count, initializer=one_thread) as pool:
        futures = {pool.submit(analyse_to_json, *task): task[0] for task in todo}
        try:
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as error:  # e.g. a worker killed for memory
                    yield BatchItem(futures[future], "failed", None, _failure(error), 0.0, 0.0)
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _run_on_dask(
    todo: list[tuple[str, str, bool, dict | None]], scheduler: str, connect_timeout_s: float
) -> Iterator[BatchItem]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_as_completed
    except ImportError as error:
        raise PianoscopeError(
            "Dask is not installed: install Pianoscope with the 'cluster' extra "
            "(pip install 'pianoscope[cluster]')."
        ) from error
    if not todo:
        return
    try:
        client = Client(scheduler, timeout=f"{connect_timeout_s}s")
    except (OSError, TimeoutError) as error:
        raise PianoscopeError(
            f"Could not reach the Dask scheduler at {scheduler}: {error}"
        ) from error
    with client:
        futures = [client.submit(analyse_to_json, *task, pure=False) for task in todo]
        try:
            for future in dask_as_completed(futures):
                yield future.result()
        except BaseException:
            client.cancel(futures)
            raise


def _report(progress: BatchProgress | None, done: int, total: int, item: BatchItem) -> None:
    if item.status == "failed":
        log.info("%s: %s", item.file, item.error)
    if progress is not None:
        progress(done, total, item)
