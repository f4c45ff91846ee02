"""File finished takes into the library and analyse them, on a background thread.

Filing hashes the audio and analysis reads it all, so neither may run on the GUI thread. Takes
are queued; problems are kept as sentences for the window to show; `wait_idle` is for tests and
for closing the window without losing a filing in progress.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from pianoscope.app.library.analysis import analyse_recording
from pianoscope.app.library.filing import file_recorded_take
from pianoscope.app.segment_labeller import user_labeller
from pianoscope.errors import PianoscopeError
from pianoscope.library.records import Recording
from pianoscope.library.store import Library

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FiledTake:
    """A take in the library, and whether its analysis summary is stored."""

    path: Path
    recording: Recording
    analysed: bool


class TakeFiler:
    """One worker thread that files and analyses takes in the order they finish."""

    def __init__(self, library: Library, *, analyse: bool = True) -> None:
        self.library = library
        self._analyse = analyse
        self._queue: queue.Queue[tuple[Path, str | None, str | None] | threading.Event] = (
            queue.Queue()
        )
        self._filed: list[FiledTake] = []
        self._problems: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="take-filer", daemon=True)
        self._thread.start()

    def submit(self, path: Path, student: str | None, piece: str | None) -> None:
        self._queue.put((path, student, piece))

    def filed(self) -> tuple[FiledTake, ...]:
        with self._lock:
            return tuple(self._filed)

    def take_problems(self) -> list[str]:
        """Problems since the last call (each reported once)."""
        with self._lock:
            problems, self._problems = self._problems, []
        return problems

    def wait_idle(self, timeout_s: float | None = None) -> bool:
        """Wait until every submitted take is handled; False on timeout."""
        reached = threading.Event()
        self._queue.put(reached)
        return reached.wait(timeout_s)

    def _report(self, message: str) -> None:
        log.error("%s", message)
        with self._lock:
            self._problems.append(message)

    def _run(self) -> None:
        labeller = None
        while True:
            item = self._queue.get()
            if isinstance(item, threading.Event):
                item.set()
                continue
            path, student, piece = item
            try:
                recording = file_recorded_take(self.library, path, student, piece)
                analysed = False
                if recording is not None and self._analyse:
                    labeller = labeller or user_labeller()
                    analyse_recording(self.library, recording.id, labeller=labeller)
                    analysed = True
            except (PianoscopeError, OSError) as error:
                self._report(f"{path.name} was saved but not filed in the library: {error}")
                continue
            except Exception as error:  # a bug must not stop the filing of later takes
                log.exception("filing %s failed", path)
                self._report(f"{path.name} was saved but could not be filed ({error}).")
                continue
            if recording is not None:
                with self._lock:
                    self._filed.append(FiledTake(path, recording, analysed))
