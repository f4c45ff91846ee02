"""Progress and cancellation for every long operation, without Qt: one callback type, one token.

Analysis, training, data synthesis, the GAN, enrolment, the waveform pyramid and recording all
take `progress: ProgressCallback` (called with the fraction done, 0..1) and
`cancel: CancelToken | None`. The worker calls `token.check()` between blocks; whoever wants the
work stopped (a GUI button, Ctrl-C in the CLI) calls `token.cancel()` from any thread, and the
worker raises `Cancelled`. The GUI supplies the callback from a background job, the CLI a
progress line, so a long job looks the same wherever it runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from pianoscope.errors import PianoscopeError

ProgressCallback = Callable[[float], None]
"""Called with the fraction of the work done, 0..1, as it goes."""


class Cancelled(PianoscopeError):
    """The work was cancelled on request; nothing half-done was kept."""


class CancelToken:
    """A thread-safe flag the worker checks between blocks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, what: str = "The work") -> None:
        """Raise Cancelled (`what` was cancelled) if `cancel()` has been called."""
        if self._event.is_set():
            raise Cancelled(f"{what} was cancelled.")


def no_progress(_fraction: float) -> None:
    """A progress callback that ignores the progress."""
