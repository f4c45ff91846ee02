"""Make a take that a crash left unfinished: `pianoscope record` killed with SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from pianoscope.audio.recorder import journal_path
from pianoscope.resources_path import demo_recording_path


def kill_mid_take(out: Path, *, after_s: float = 1.5) -> None:
    """Start `pianoscope record` on the demo into `out` and kill -9 it mid-take."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pianoscope",
            "record",
            str(out),
            "--seconds",
            "30",
            "--from-file",
            str(demo_recording_path()),
            "--student",
            "Ada",
            "--piece",
            "Nocturne",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not journal_path(out).exists() or journal_path(out).stat().st_size < 100_000:
        assert time.monotonic() < deadline, "the recorder never started writing"
        time.sleep(0.02)
    time.sleep(after_s)
    process.send_signal(signal.SIGKILL)
    process.wait()
