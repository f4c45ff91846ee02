"""A one-line progress display on stderr for long CLI operations."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Rewrites one terminal line at most `max_rate_hz` times a second; `close()` ends it.

    When the stream is not a terminal (a log file, CI), it prints a new line every few seconds
    instead of carriage returns.
    """

    def __init__(self, stream: TextIO | None = None, *, max_rate_hz: float = 10.0) -> None:
        self._stream = stream or sys.stderr
        self._terminal = self._stream.isatty()
        self._min_interval_s = 1.0 / max_rate_hz if self._terminal else 2.0
        self._last_s = 0.0
        self._width = 0

    def show(self, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_s < self._min_interval_s:
            return
        self._last_s = now
        if not self._terminal:
            self._stream.write(text + "\n")
            self._stream.flush()
            return
        padding = " " * max(0, self._width - len(text))
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._width = len(text)

    def close(self) -> None:
        if self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0
