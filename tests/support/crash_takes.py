"""Make a take that a crash left unfinished: `pianoscope record` killed with SIGKILL."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import soundfile as sf
from support.waiting import wait_until

from pianoscope.audio.recorder import journal_path
from pianoscope.resources_path import demo_recording_path

RATE = 44_100


def start_demo_take(out: Path, *, student: str, piece: str) -> subprocess.Popen:
    """`pianoscope record` of 30 s of the demo (played at real-time pace) into `out`."""
    command = [sys.executable, "-m", "pianoscope", "record", str(out), "--seconds", "30"]
    command += ["--from-file", str(demo_recording_path()), "--student", student, "--piece", piece]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def journal_frames(out: Path) -> int:
    """Frames the journal of `out` holds now, by its header (0 while missing or unreadable)."""
    try:
        return sf.info(str(journal_path(out))).frames
    except (sf.LibsndfileError, RuntimeError):
        return 0


def kill_mid_take(out: Path, *, after_s: float = 1.5) -> None:
    """Start `pianoscope record` on the demo into `out` and kill -9 it once its journal holds
    `after_s` seconds of audio (waited for, not slept: the machine may be slow)."""
    process = start_demo_take(out, student="Ada", piece="Nocturne")
    try:
        wait_until(
            lambda: journal_frames(out) >= after_s * RATE,
            timeout_s=60,
            what=f"the recorder's journal holds {after_s} s of the take",
        )
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
