"""Wait for a condition, not for a time: the tests run on loaded 2-core machines.

A fixed `time.sleep(0.5)` before an assertion guesses how long the work takes; on a busy machine
the guess is wrong and the test flakes. `wait_until` polls the real condition instead, with a
generous timeout that only matters when something is broken, and then says what never happened.
(Qt tests use `qtbot.waitUntil`, which also keeps the event loop running.)
"""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.005
"""How often the condition is looked at: often, so a passing test waits barely longer."""


def wait_until(predicate: Callable[[], object], timeout_s: float, what: str) -> None:
    """Return as soon as `predicate()` is truthy; raise AssertionError naming `what` after
    `timeout_s` seconds without it."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting until {what}")
        time.sleep(POLL_S)
