"""Progress and cancellation for long work, without Qt: a callback and a token.

The worker calls `progress(fraction)` with 0..1 as it goes and `token.check()` between blocks;
the GUI (from a Qt worker) or the CLI (a progress line) supplies the callback, and whoever
wants to stop the work calls `token.cancel()` from any thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pianoscope.errors import AnalysisError

ProgressCallback = Callable[[float], None]


class Cancelled(AnalysisError):
    """The work was cancelled on request; nothing was written."""


class CancelToken:
    """A thread-safe flag the worker checks between blocks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise Cancelled if `cancel()` has been called."""
        if self._event.is_set():
            raise Cancelled("The analysis was cancelled.")


def no_progress(_fraction: float) -> None:
    """A progress callback that ignores the progress."""
