"""Run every command over damaged inputs and every bad numeric value; count what happens.

    python tests/support/bad_input_sweep.py [--quick] [--timeout SECONDS] [--jobs N]

Builds a folder of damaged recordings (empty, header-only, truncated WAV and FLAC, NaN, Inf,
values of 1e8, text with an audio extension, one sample, an unreadable file, a file in an
unreadable folder) and of sound ones at extreme gains (x1e-4, x300), runs each command on
each of them in its own process, bounded by a timeout, then every numeric option of every
command with each bad value. Each call ends as `ok` (exit 0), `refused` (a `pianoscope: ...`
sentence or a usage line), `traceback`, `unexpected` (the last-resort "did not expect" line: a
bug without a stack trace) or `hang` (killed at the timeout); the inputs' contents and
permissions are compared before and after.
The acceptance is 0 tracebacks, 0 unexpected, 0 hangs and 0 inputs modified.

Run as root, the commands run as `nobody`, so that unreadable files really are unreadable.
`tests/cli/test_bad_input_sweep.py` runs the `--quick` subset on every test run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 44_100
NOBODY = 65534
BAD_NUMBERS = ("0", "-1", "nan", "inf", "-inf", "1e10", "1e309", "3", "0.5", "many", "")
OUTCOMES = ("ok", "refused", "traceback", "unexpected", "hang")
UNEXPECTED = "did not expect"


@dataclass(frozen=True)
class Call:
    """One command line and what came of it."""

    argv: tuple[str, ...]
    outcome: str = ""
    seconds: float = 0.0
    last_line: str = ""


def build_damaged_inputs(folder: Path) -> dict[str, Path]:
    """Write the damaged recordings into `folder` and return them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    time_s = np.arange(2 * RATE) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * time_s) * np.exp(-time_s)).astype(np.float32)
    inputs: dict[str, Path] = {}

    def add(name: str) -> Path:
        inputs[name.split(".")[0]] = folder / name
        return folder / name

    add("empty.wav").write_bytes(b"")
    sf.write(add("header_only.wav"), np.zeros(0, np.float32), RATE)
    for name in ("truncated.wav", "truncated.flac"):
        sf.write(add(name), tone, RATE)
        data = inputs[name.split(".")[0]].read_bytes()
        inputs[name.split(".")[0]].write_bytes(data[: len(data) // 2])
    for name, value in (("nan.wav", np.nan), ("inf.wav", np.inf)):
        bad = tone.copy()
        bad[RATE // 2] = value
        sf.write(add(name), bad, RATE, subtype="FLOAT")
    sf.write(add("huge.wav"), tone / 0.3 * 1e8, RATE, subtype="FLOAT")
    add("text.wav").write_text("bar 12: rushed\n" * 50)
    sf.write(add("wav_named.flac"), tone, RATE, format="WAV")
    sf.write(add("one_sample.wav"), tone[:1], RATE)
    # Not damaged, but recorded with 80 dB less or 50 dB more gain (float files hold both).
    sf.write(add("quiet.wav"), tone * 1e-4, RATE, subtype="FLOAT")
    sf.write(add("loud.wav"), tone / 0.3 * 300, RATE, subtype="FLOAT")
    sf.write(add("unreadable.wav"), tone, RATE)
    (folder / "locked").mkdir()
    sf.write(folder / "locked" / "take.wav", tone, RATE)
    inputs["in_locked_folder"] = folder / "locked" / "take.wav"
    inputs["unreadable"].chmod(0o000)
    (folder / "locked").chmod(0o300)
    return inputs


def input_commands(name: str, path: Path, out: Path) -> Iterator[tuple[str, ...]]:
    """Every command that reads a recording, on `path`; outputs go under `out`."""
    yield ("analyse", "--no-labels", str(path))
    yield ("analyse", "--no-labels", str(path), "--json", str(path))  # over its input
    yield ("analyse", "--no-labels", str(path), "--csv", str(out / f"{name}.csv"))
    yield ("spectrum", str(path), "--at", "0.1")
    yield ("spectrum", str(path), "--at", "0.1", "--json", str(path))
    yield ("record", str(out / f"{name}.rec.wav"), "--seconds", "5", "--from-file", str(path),
           "--speed", "inf")  # fmt: skip
    yield ("compare", str(path), str(path))
    yield ("library", "import", str(path), "--library", str(out / f"{name}.library"))


def option_commands(good: Path, out: Path) -> Iterator[tuple[str, ...]]:
    """Every numeric option of every command with every bad value, on a good recording."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from pianoscope.cli.main import build_parser
    from pianoscope.cli.numbers import RealNumber, WholeNumber

    prefixes = {
        "record": ("record", str(out / "r.wav"), "--seconds", "1", "--from-file", str(good)),
        "spectrum": ("spectrum", str(good), "--at", "0.1"),
        "analyse": ("analyse", str(good), "--no-labels"),
        "batch": ("batch", str(good.parent), "--out", str(out / "batch"), "--no-labels"),
        "train": ("train", "--out", str(out / "w.pt"), "--cache", str(out / "no-cache")),
        "compare": ("compare", str(good), str(good)),
    }
    for name, sub in build_parser()._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            if action.option_strings and isinstance(action.type, WholeNumber | RealNumber):
                for value in BAD_NUMBERS:
                    if not _accepted(action.type, value):
                        yield (*prefixes[name], f"{action.option_strings[0]}={value}")


def _accepted(number: object, value: str) -> bool:
    try:
        number(value)  # type: ignore[operator]
    except argparse.ArgumentTypeError:
        return False
    return True


def run_call(argv: tuple[str, ...], *, timeout_s: float, home: Path) -> Call:
    """Run `pianoscope ARGV` in its own process, as `nobody` when we are root."""
    command = [sys.executable, "-m", "pianoscope", *argv]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                   *command]  # fmt: skip
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    started = time.monotonic()
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        return Call(argv, "hang", time.monotonic() - started)
    lines = finished.stderr.strip().splitlines()
    last = lines[-1] if lines else ""
    if "Traceback (most recent call last)" in finished.stderr:
        outcome = "traceback"
    elif UNEXPECTED in finished.stderr:
        outcome = "unexpected"
    elif finished.returncode == 0:
        outcome = "ok"
    else:
        outcome = "refused"
    return Call(argv, outcome, time.monotonic() - started, last)


def fingerprint(paths: list[Path]) -> dict[Path, tuple[int, str]]:
    """Mode and content hash of each input (read as root even when unreadable to others)."""
    prints = {}
    for path in paths:
        mode = path.stat().st_mode
        path.chmod(mode | 0o400)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        path.chmod(mode)
        prints[path] = (mode, digest)
    return prints


def sweep(
    work: Path, *, quick: bool = False, timeout_s: float = 60.0, jobs: int = 2
) -> tuple[list[Call], list[Path]]:
    """Build the inputs under `work`, run every call; returns the calls and modified inputs."""
    work.chmod(0o755)
    inputs = build_damaged_inputs(work / "inputs")
    good = work / "good" / "take.wav"
    good.parent.mkdir()
    time_s = np.arange(RATE) / RATE
    sf.write(good, (0.3 * np.sin(2 * np.pi * 440 * time_s)).astype(np.float32), RATE)
    out, home = work / "out", work / "home"
    for folder in (out, home):
        folder.mkdir()
        folder.chmod(0o777)
    calls: list[tuple[str, ...]] = []
    for name, path in inputs.items():
        commands = list(input_commands(name, path, out))
        calls += commands[:1] if quick else commands
    calls.append(("batch", str(work / "inputs"), "--out", str(out / "batch"), "--no-labels"))
    options = list(option_commands(good, out))
    calls += options[::15] if quick else options
    everything = [*inputs.values(), good]
    before = fingerprint(everything)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda argv: run_call(argv, timeout_s=timeout_s, home=home), calls))
    after = fingerprint(everything)
    modified = [path for path in everything if before[path] != after[path]]
    return results, modified


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a subset, as the test runs it")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per call")
    parser.add_argument("--jobs", type=int, default=2, help="calls at once")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pianoscope-sweep-"))
    try:
        started = time.monotonic()
        calls, modified = sweep(work, quick=args.quick, timeout_s=args.timeout, jobs=args.jobs)
        for call in calls:
            if call.outcome not in ("ok", "refused"):
                print(f"{call.outcome:10s} {' '.join(call.argv)}\n           {call.last_line}")
        counts = Counter(call.outcome for call in calls)
        print(", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES), end="; ")
        print(f"{len(modified)} inputs modified; {len(calls)} calls in "
              f"{time.monotonic() - started:.0f} s")  # fmt: skip
        bad = counts["traceback"] + counts["unexpected"] + counts["hang"] + len(modified)
        return 1 if bad else 0
    finally:
        for path in work.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
