"""A daemon thread that runs one loop until asked to stop: start, stop-and-join, a stop flag.

The file source and the classifier both run such a loop; they share this so that starting
twice, stopping before starting and joining on stop behave the same everywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class WorkerThread:
    """Runs `target` on a daemon thread named `name`; `target` watches `stopping`."""

    def __init__(self, target: Callable[[], None], name: str) -> None:
        self._target = target
        self._name = name
        self.stopping = threading.Event()
        """Set by `stop()`; the loop waits on it (`stopping.wait(s)`) instead of sleeping."""
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self.stopping.clear()
        self._thread = threading.Thread(target=self._target, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the loop to end and wait until it has."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
