"""Run long work on a Python thread that the GUI polls: progress, result or error, cancel.

The GUI's timer reads `progress`, `done`, `result` and `error`; nothing here calls back into
the GUI, so the same jobs run in tests and headless code without Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from pianoscope.errors import PianoscopeError
from pianoscope.progress import Cancelled, CancelToken, ProgressCallback

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class BackgroundJob(Generic[T]):
    """`work(progress, cancel)` on a daemon thread; the result or a teacher-readable error."""

    def __init__(self, name: str, work: Callable[[ProgressCallback, CancelToken], T]) -> None:
        self.name = name
        self._work = work
        self._cancel = CancelToken()
        self._progress = 0.0
        self._result: T | None = None
        self._error: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> BackgroundJob[T]:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.cancel()

    def wait(self, timeout_s: float | None = None) -> bool:
        return self._done.wait(timeout_s)

    @property
    def progress(self) -> float:
        return self._progress

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.cancelled

    @property
    def result(self) -> T | None:
        return self._result

    @property
    def error(self) -> str | None:
        return self._error

    def _set_progress(self, fraction: float) -> None:
        self._progress = fraction

    def _run(self) -> None:
        try:
            self._result = self._work(self._set_progress, self._cancel)
        except Cancelled:
            log.info("%s cancelled", self.name)
        except PianoscopeError as error:
            self._error = str(error)
        except Exception as error:  # a bug must not kill the window silently
            log.exception("%s failed", self.name)
            self._error = f"{self.name} failed unexpectedly: {error}"
        finally:
            self._done.set()


class LatestRequestWorker(Generic[T, R]):
    """Computes `compute(request)` for the newest request only, on one thread.

    Dragging the cursor makes many requests; older ones that have not started are dropped, so
    the answer always catches up with the mouse. `latest` is (request, result) or None.
    """

    def __init__(self, name: str, compute: Callable[[T], R]) -> None:
        self._compute = compute
        self._condition = threading.Condition()
        self._request: T | None = None
        self._pending = False
        self._stopped = False
        self.latest: tuple[T, R] | None = None
        self.error: str | None = None
        self.completed = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def request(self, request: T) -> None:
        with self._condition:
            self._request, self._pending = request, True
            self._condition.notify()

    def stop(self) -> None:
        """Ask the thread to end after its current computation; does not wait for it."""
        with self._condition:
            self._stopped = True
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._pending and not self._stopped:
                    self._condition.wait()
                if self._stopped:
                    return
                request = self._request
            try:
                result = self._compute(request)  # type: ignore[arg-type]
                self.latest, self.error = (request, result), None  # type: ignore[assignment]
            except PianoscopeError as error:
                self.error = str(error)
            except Exception as error:
                log.exception("computing %r failed", request)
                self.error = f"Could not compute this view: {error}"
            with self._condition:
                if self._request is request:
                    self._pending = False
                self.completed += 1
