"""A real full disk for tests: a small tmpfs mounted by the test (root only), then filled up.

Simulating ENOSPC in Python would not reach SQLite's C code, which is where "disk I/O error"
came from; a real filesystem with no free block reaches every layer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER_NAME = "filler.bin"


@contextlib.contextmanager
def small_disk(mount_point: Path, size_mb: int = 8) -> Iterator[Path]:
    """Mount a `size_mb` tmpfs on `mount_point` for the duration; skip when not allowed."""
    mount_point.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> None:
    """Write zeros into `disk` until no block is left (ENOSPC), and check that it is full."""
    block = b"\0" * 4096
    with (disk / FILLER_NAME).open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(block)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    assert os.statvfs(disk).f_bavail == 0


def make_room(disk: Path) -> None:
    (disk / FILLER_NAME).unlink()
