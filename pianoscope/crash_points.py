"""Named points in write paths where a test can make the process die as `kill -9` would.

Crash safety is only shown by crashing: a test sets `PIANOSCOPE_CRASH_AT` to a point's name in
the environment of a real `pianoscope` process, which then sends itself SIGKILL on reaching it
(no cleanup, no `finally`, exactly as a power cut or `kill -9` at that instant). Unset, a point
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "PIANOSCOPE_CRASH_AT"


def crash_point(name: str) -> None:
    """Die here, by SIGKILL, if the environment names this point."""
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
