"""Damaged and forbidden files from the command line: one sentence each, the inputs untouched.

Covers huge float sample values (a file of 1e8 once crashed `analyse` and stopped `batch` before
its summary), outputs named like an input or an existing recording, and files the user account
may not read (the tests drop to `nobody` when run as root, since root reads everything).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pianoscope.cli.main import main

RATE = 44_100


def _tone(seconds: float = 1.0, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 440 * t) * np.exp(-2 * t)).astype(np.float32)


@pytest.fixture
def huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.wav"
    sf.write(path, _tone() * 1e8 / 0.3, RATE, subtype="FLOAT")
    return path


def test_analysing_huge_float_values_is_one_sentence(huge, capsys):
    assert main(["analyse", "--no-labels", str(huge)]) == 2
    error = capsys.readouterr().err
    assert error.strip().splitlines()[-1].startswith("pianoscope: huge.wav has sample values")
    assert "far beyond full scale" in error and "Traceback" not in error


def test_a_batch_with_a_huge_file_goes_on_and_writes_its_summary(huge, tmp_path, capsys):
    sf.write(tmp_path / "fine.wav", _tone(), RATE)
    out = tmp_path / "results"
    assert main(["batch", str(tmp_path), "--out", str(out), "--workers", "1", "--no-labels"]) == 1
    with open(out / "summary.csv", encoding="utf-8") as handle:
        rows = {Path(row["file"]).name: row for row in csv.DictReader(handle)}
    assert rows["fine.wav"]["status"] == "ok"
    assert rows["huge.wav"]["status"] == "failed"
    assert "far beyond full scale" in rows["huge.wav"]["error"]


def test_the_batch_worker_reports_any_failure_for_its_file(tmp_path):
    """Not only the error types someone foresaw: a folder named like a recording fails too."""
    from pianoscope.app.batch import analyse_to_json

    item = analyse_to_json(str(tmp_path), str(tmp_path / "out.json"), labels=False)
    assert item.status == "failed" and item.error


@pytest.mark.parametrize(
    ("option", "same"),
    [("--json", True), ("--csv", True), ("--midi", True), ("--json", False), ("--midi", False)],
)
def test_analyse_never_writes_over_a_recording(option, same, tmp_path, capsys):
    take = tmp_path / "take.wav"
    sf.write(take, _tone(), RATE)
    other = tmp_path / "other.flac"
    sf.write(other, _tone(), RATE)
    target = take if same else other
    before = target.read_bytes()
    assert main(["analyse", "--no-labels", str(take), option, str(target)]) == 2
    assert "choose another name" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_force_replaces_another_recording_but_never_the_input(tmp_path):
    take = tmp_path / "take.wav"
    sf.write(take, _tone(), RATE)
    other = tmp_path / "other.wav"
    sf.write(other, _tone(), RATE)
    assert main(["analyse", "--no-labels", str(take), "--json", str(other), "--force"]) == 0
    assert other.read_text(encoding="utf-8").startswith("{")
    before = take.read_bytes()
    assert main(["analyse", "--no-labels", str(take), "--json", str(take), "--force"]) == 2
    assert take.read_bytes() == before


def test_spectrum_never_writes_over_its_input(tmp_path, capsys):
    take = tmp_path / "take.flac"
    sf.write(take, _tone(), RATE)
    before = take.read_bytes()
    assert main(["spectrum", str(take), "--at", "0.1", "--json", str(take)]) == 2
    assert "recording being read" in capsys.readouterr().err
    assert take.read_bytes() == before


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user account can reach (pytest's own tmp folder is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="pianoscope-permissions-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_an_unreadable_recording_says_permission_denied(where, shared_folder):
    take = shared_folder / "lesson" / "take.wav"
    take.parent.mkdir()
    sf.write(take, _tone(), RATE)
    (take if where == "file" else take.parent).chmod(0o000 if where == "file" else 0o300)
    finished = _as_another_user("analyse", "--no-labels", str(take))
    assert finished.returncode == 2, finished.stderr
    assert "Permission denied" in finished.stderr
    assert "Traceback" not in finished.stderr


def _as_another_user(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the command as `nobody` when the tests run as root, else as ourselves."""
    command = [sys.executable, "-m", "pianoscope", *arguments]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HOME": "/tmp"},
    )
