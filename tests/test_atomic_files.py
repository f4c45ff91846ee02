"""Saves are whole or absent, and leave no partial file behind: not on failure, and not for
long after a kill (issue 14, what its last session left: partial files)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pianoscope.atomic_files import remove_stale_partials, replacing
from pianoscope.crash_points import ENVIRONMENT_VARIABLE

SAVE = """
import sys
from pathlib import Path
from pianoscope.atomic_files import replacing
with replacing(Path(sys.argv[1])) as handle:
    handle.write(b"new")
"""


def killed_at(point: str, *command: str) -> subprocess.CompletedProcess:
    """Run `command` (Python arguments) in a real process that dies by SIGKILL at `point`."""
    environment = {**os.environ, ENVIRONMENT_VARIABLE: point}
    return subprocess.run([sys.executable, *command], env=environment, timeout=120, check=False)


def partials(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.partial"))


def test_a_save_replaces_the_file_whole(tmp_path):
    target = tmp_path / "choice.json"
    target.write_bytes(b"old")
    with replacing(target) as handle:
        handle.write(b"new")
        assert target.read_bytes() == b"old" and len(partials(tmp_path)) == 1
    assert target.read_bytes() == b"new" and partials(tmp_path) == []


def test_a_failed_save_keeps_the_old_file_and_removes_its_partial(tmp_path):
    target = tmp_path / "choice.json"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as handle:
        handle.write(b"half")
        raise RuntimeError("the writer failed half-way")
    assert target.read_bytes() == b"old" and partials(tmp_path) == []


def test_a_killed_save_leaves_a_partial_that_the_next_use_removes(tmp_path):
    target = tmp_path / "choice.json"
    target.write_bytes(b"old")
    done = killed_at("partial-written", "-c", SAVE, str(target))
    assert done.returncode == -9
    assert target.read_bytes() == b"old" and len(partials(tmp_path)) == 1
    assert remove_stale_partials(tmp_path) == 1
    assert partials(tmp_path) == [] and target.read_bytes() == b"old"


def test_a_partial_still_being_written_is_not_removed(tmp_path):
    """Another process saving into the folder holds its partial's lock: it must survive."""
    held = tmp_path / "choice.json.1234abcd.partial"
    descriptor = os.open(held, os.O_WRONLY | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        assert remove_stale_partials(tmp_path) == 0
        assert held.exists()
    finally:
        os.close(descriptor)
    assert remove_stale_partials(tmp_path) == 1
