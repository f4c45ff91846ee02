"""The pinned probe (`pinned_probe.py`) on an emulated AMD CPU, started as soon as it is needed.

qemu-user runs the probe on an AMD EPYC of the Rome generation: no AVX-512, another maker's
CPUID, other cache sizes. Emulated, it takes about 50 times its native time (11 minutes at
stop 40; 17 at stop 42 with the note network's training step, beside another test), so
tests/conftest.py starts it in a background thread once the session's tests are collected, if
they include the test that reads it; it then runs on the machine's other core beside the rest
of the suite, and the test waits for it (`emulated_run`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

PROBE = Path(__file__).parent / "pinned_probe.py"
EMULATED_CPU = "EPYC-Rome"
# Two clips of every kind: 16 windows, one batch as large as NNPACK's convolutions need.
CLIPS_PER_KIND = 2
# The test that reads the run (tests/test_pinned_numerics.py).
READER = "test_an_emulated_amd_cpu_renders_and_trains_the_same_numbers"

# What the emulated CPU reports of itself, before pinning: pinned_environment, numpy's features.
_REPORT = (
    "import json, os\n"
    "from pianoscope.pinned_numerics import numpy_cpu_dispatch, pinned_environment\n"
    "print(json.dumps([pinned_environment(dict(os.environ)), numpy_cpu_dispatch()[1]]))\n"
)


@dataclass(frozen=True)
class EmulatedRun:
    features: dict[str, bool]  # the CPU features numpy found on the emulated CPU
    digests: list[str]  # the probe's, pinned as `run_pinned` pins on that CPU


def run_probe(
    environment: dict[str, str], clips_per_kind: int = 3, emulator: Sequence[str] = ()
) -> list[str]:
    """The probe's digests of rendered audio, features and trained weights."""
    command = [*emulator, sys.executable, str(PROBE), str(clips_per_kind)]
    return _output(command, environment).split()


def _output(command: list[str], environment: dict[str, str]) -> str:
    """`command`'s standard output. Run by the background thread, it is stopped with the test
    session (`stop_emulated_run`)."""
    with subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        if threading.current_thread() is _BACKGROUND.thread:
            _BACKGROUND.process = process
        output, errors = process.communicate()
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, output, errors)
    return output


def _run_emulated() -> EmulatedRun:
    qemu = shutil.which("qemu-x86_64")
    if qemu is None:
        raise RuntimeError("qemu-x86_64 missing: install Debian's qemu-user (scripts/dev.sh)")
    emulator = [qemu, "-cpu", EMULATED_CPU]
    report = _output([*emulator, sys.executable, "-c", _REPORT], dict(os.environ))
    environment, features = json.loads(report)
    return EmulatedRun(features, run_probe(environment, CLIPS_PER_KIND, emulator))


class _Background:
    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.process: subprocess.Popen[str] | None = None
        self.result: EmulatedRun | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = _run_emulated()
        except BaseException as error:  # handed to the test that waits for it
            self.error = error


_BACKGROUND = _Background()


def start_emulated_run() -> None:
    """Start the emulated probe in a background thread (once)."""
    if _BACKGROUND.thread is None:
        _BACKGROUND.thread = threading.Thread(target=_BACKGROUND.run, daemon=True)
        _BACKGROUND.thread.start()


def stop_emulated_run() -> None:
    """Stop an emulated probe still running (a session stopped early: -x, Ctrl-C)."""
    if _BACKGROUND.process is not None and _BACKGROUND.process.poll() is None:
        _BACKGROUND.process.kill()


def emulated_run() -> EmulatedRun:
    """The emulated probe's result, waiting for it (started now if it was not yet)."""
    start_emulated_run()
    assert _BACKGROUND.thread is not None
    _BACKGROUND.thread.join()
    if _BACKGROUND.error is not None:
        raise _BACKGROUND.error
    assert _BACKGROUND.result is not None
    return _BACKGROUND.result
