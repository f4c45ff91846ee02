"""The processes the live benchmark runs beside the window, each started and ended by its id.

An X server (Xvfb) for a real window, a PulseAudio server of its own whose null sink is the
virtual microphone, a player feeding it, and optionally a process that keeps one core busy.
The PulseAudio server is private (its own runtime folder), so tests that restart the shared
virtual microphone (`scripts/virtual_mic.sh`) cannot cut the benchmark's input, and the
benchmark never stops anybody else's player or server: it ends what it started, by pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

BUSY_LOOP = "while True: pass"


@dataclass(frozen=True)
class Helpers:
    """Ids of the helper processes, for their CPU figures."""

    pids: dict[str, int]


def _end(process: subprocess.Popen, *, group: bool = False) -> None:
    """Terminate one process we started (or its own process group), then make sure it is gone."""
    if process.poll() is not None:
        return
    if group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()


@contextmanager
def x_server(width: int, height: int) -> Iterator[subprocess.Popen]:
    """An Xvfb screen of `width`x`height` on a free display; DISPLAY points at it meanwhile."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            display = announced.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        os.environ["DISPLAY"] = f":{display}"
        yield server
    finally:
        _end(server)


@contextmanager
def pulse_server() -> Iterator[subprocess.Popen]:
    """A private PulseAudio server whose default source is the monitor of a null sink."""
    runtime = Path(tempfile.mkdtemp(prefix="bench-live-pulse-"))
    socket = runtime / "native"
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime)}
    server = subprocess.Popen(
        [
            "pulseaudio",
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--system=false",
            "--use-pid-file=false",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            "--load=module-null-sink sink_name=vmic",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        os.environ["PULSE_SERVER"] = f"unix:{socket}"
        deadline = time.monotonic() + 10
        while subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark's PulseAudio server did not start")
            time.sleep(0.1)
        subprocess.run(["pactl", "set-default-sink", "vmic"], check=True)
        subprocess.run(["pactl", "set-default-source", "vmic.monitor"], check=True)
        yield server
    finally:
        os.environ.pop("PULSE_SERVER", None)
        _end(server)
        shutil.rmtree(runtime, ignore_errors=True)


@contextmanager
def player(path: Path) -> Iterator[subprocess.Popen]:
    """`paplay path` over and over into the virtual microphone, in a process group of its own."""
    loop = subprocess.Popen(
        ["bash", "-c", 'while true; do paplay "$0" || exit 1; done', str(path)],
        start_new_session=True,
    )
    try:
        yield loop
    finally:
        _end(loop, group=True)


@contextmanager
def busy_core() -> Iterator[subprocess.Popen]:
    """A Python process that keeps one core busy until it is ended."""
    process = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    try:
        yield process
    finally:
        _end(process)


def missing_programs() -> list[str]:
    """The helper programs not installed (scripts/dev.sh install puts them there)."""
    return [name for name in ("Xvfb", "pulseaudio", "pactl", "paplay") if not shutil.which(name)]


@contextmanager
def live_bench_helpers(
    recording: Path, *, width: int, height: int, busy: bool
) -> Iterator[Helpers]:
    """Every helper process the live benchmark needs, ended (by pid) when the block is left."""
    with ExitStack() as stack:
        pids = {"Xvfb": stack.enter_context(x_server(width, height)).pid}
        pids["pulseaudio"] = stack.enter_context(pulse_server()).pid
        pids["player"] = stack.enter_context(player(recording)).pid
        if busy:
            pids["busy core"] = stack.enter_context(busy_core()).pid
        yield Helpers(pids)
