"""Make a take that a crash left unfinished: `pianoscope record` killed with SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from pianoscope.audio.recorder import journal_path
from pianoscope.resources_path import demo_recording_path


def start_demo_take(out: Path, *, student: str, piece: str) -> subprocess.Popen:
    """`pianoscope record` of 30 s of the demo (played at real-time pace) into `out`."""
    command = [sys.executable, "-m", "pianoscope", "record", str(out), "--seconds", "30"]
    command += ["--from-file", str(demo_recording_path()), "--student", student, "--piece", piece]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_mid_take(out: Path, *, after_s: float = 1.5) -> None:
    """Start `pianoscope record` on the demo into `out` and kill -9 it mid-take."""
    process = start_demo_take(out, student="Ada", piece="Nocturne")
    deadline = time.monotonic() + 20
    while not journal_path(out).exists() or journal_path(out).stat().st_size < 100_000:
        assert time.monotonic() < deadline, "the recorder never started writing"
        time.sleep(0.02)
    time.sleep(after_s)
    process.send_signal(signal.SIGKILL)
    process.wait()
