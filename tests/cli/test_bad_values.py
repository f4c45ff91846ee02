"""Every bad value of a numeric option is one readable line and exit 2, before any work starts."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pianoscope.cli.main import build_parser, main
from pianoscope.resources_path import demo_recording_path

RATE = 44_100

FROM_FILE = ["record", "t.flac", "--seconds", "1", "--from-file", "x.flac"]
BAD_VALUES = [
    (["spectrum", "take.flac", "--at", "1", "--fft"], ["0", "3", "-1", "1023", "4097", "1e8"]),
    (["spectrum", "take.flac", "--fft", "8192", "--at"], ["-1", "nan", "inf", "soon"]),
    ([*FROM_FILE, "--speed"], ["0", "-1", "nan"]),
    ([*FROM_FILE, "--block"], ["0", "-5", "1e9"]),
    (["record", "t.flac", "--seconds", "1", "--rate"], ["0", "-44100", "1e12", "fast"]),
    (["record", "t.flac", "--seconds", "1", "--channel"], ["0", "-1", "100000"]),
    (["batch", "in", "--out", "out", "--workers"], ["0", "-1", "many"]),
    (["batch", "in", "--out", "out", "--scheduler"], ["junk", "tcp://", "tcp://h:99999", "h:1"]),
    (["train", "--epochs"], ["0", "-3"]),
    (["train", "--threads"], ["0", "-2"]),
    (["train", "--seed"], ["-1", "1e10", "any"]),
]
CASES = [(prefix, value) for prefix, values in BAD_VALUES for value in values]


@pytest.mark.parametrize(("prefix", "value"), CASES, ids=[f"{p[-1]}={v}" for p, v in CASES])
def test_a_bad_numeric_value_is_one_usage_line(prefix, value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*prefix, value])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("pianoscope ") and "error:" in error
    assert f"{value!r} is not a" in error


def test_no_option_takes_a_bare_int_or_float():
    """The class of mistake: an option typed `int`/`float` accepts 0, negatives, nan and inf."""
    parser = build_parser()
    bare = []
    for name, sub in parser._subparsers._group_actions[0].choices.items():
        for action in sub._actions:
            if action.option_strings and action.type in (int, float):
                bare.append(f"{name} {action.option_strings[0]}")
    assert bare == []


def test_the_fft_size_range_is_the_analysers_range():
    from pianoscope.dsp.windows import check_fft_size

    parse = build_parser()._subparsers._group_actions[0].choices["spectrum"]
    fft = next(a for a in parse._actions if "--fft" in a.option_strings)
    for size in (1024, 2048, 32768):
        check_fft_size(fft.type(str(size)))
    with pytest.raises(argparse.ArgumentTypeError):
        fft.type("65536")


def test_too_many_workers_are_capped_at_the_cores_with_a_message(tmp_path):
    (tmp_path / "in").mkdir()
    sf.write(tmp_path / "in" / "a.wav", np.zeros(RATE // 2, np.float32), RATE)
    finished = _pianoscope(
        "batch",
        str(tmp_path / "in"),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "100000",
        "--no-labels",
    )
    assert finished.returncode == 0, finished.stderr
    assert f"has {os.cpu_count()} cores; using {os.cpu_count()} workers" in finished.stderr
    assert (tmp_path / "out" / "summary.csv").is_file()


@pytest.mark.parametrize("kind", ["file", "proc"])
def test_a_batch_output_that_cannot_be_a_folder_is_one_line(kind, tmp_path, capsys):
    (tmp_path / "in").mkdir()
    out = tmp_path / "taken.txt" if kind == "file" else Path("/proc/pianoscope-out")
    if kind == "file":
        out.write_text("notes")
    assert main(["batch", str(tmp_path / "in"), "--out", str(out), "--no-labels"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("pianoscope: ") and str(out) in error
    if kind == "file":
        assert out.read_text() == "notes"


def test_record_from_a_source_that_ends_early_ends_the_take(tmp_path):
    """`--speed inf` (and any speed) with a source shorter than --seconds: the take ends with it."""
    short = tmp_path / "short.wav"
    sf.write(short, 0.1 * np.sin(np.arange(RATE) * 0.05).astype(np.float32), RATE)
    out = tmp_path / "t.flac"
    finished = _pianoscope(
        "record", str(out), "--seconds", "30", "--from-file", str(short), "--speed", "inf"
    )
    assert finished.returncode == 0, finished.stderr
    assert "the input ended after 1.0 s" in finished.stderr
    assert sf.info(out).frames == RATE


@pytest.mark.parametrize("block", ["16", "65536"])
def test_record_accepts_the_extreme_block_sizes(block, tmp_path):
    out = tmp_path / "t.wav"
    finished = _pianoscope(
        "record",
        str(out),
        "--seconds",
        "0.5",
        "--from-file",
        str(demo_recording_path()),
        "--speed",
        "inf",
        "--block",
        block,
    )
    assert finished.returncode == 0, finished.stderr
    assert sf.info(out).frames == RATE // 2


def _pianoscope(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the command in its own process, bounded so that a hang fails instead of blocking."""
    return subprocess.run(
        [sys.executable, "-m", "pianoscope", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
