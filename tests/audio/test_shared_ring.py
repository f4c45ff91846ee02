"""A ring in shared memory: what one process writes, another reads, with the same checks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from pianoscope.audio.shared_ring import SharedRing

READER = """
import sys
from pianoscope.audio.shared_ring import SharedRing, SharedRingAddress
ring = SharedRing.attach(SharedRingAddress(sys.argv[1], int(sys.argv[2]))).ring
latest = ring.latest(int(sys.argv[3]))
print(ring.written, latest.start_index, *latest.samples.tolist())
"""


def _read_elsewhere(shared: SharedRing, frames: int) -> list[float]:
    address = shared.address
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            READER,
            address.memory_name,
            str(address.capacity_frames),
            str(frames),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return [float(value) for value in output]


def test_another_process_reads_what_was_written_across_the_wrap():
    shared = SharedRing.create(100)
    try:
        ring = shared.ring
        ring.write(np.arange(80, dtype=np.float32))
        ring.write(np.arange(80, 150, dtype=np.float32))  # wraps: 150 written into 100
        written, start, *samples = _read_elsewhere(shared, 30)
        assert (written, start) == (150, 120)
        assert samples == list(range(120, 150))
        assert ring.written_at_s > 0
    finally:
        shared.close()


def test_closing_frees_the_memory_for_good():
    shared = SharedRing.create(100)
    shared.ring.write(np.ones(10, np.float32))
    address = shared.address
    shared.close()
    with pytest.raises(FileNotFoundError):
        SharedRing.attach(address)


def test_listeners_hear_every_write():
    shared = SharedRing.create(100)
    try:
        heard = []
        shared.ring.add_listener(lambda: heard.append(shared.ring.written))
        shared.ring.write(np.ones(10, np.float32))
        shared.ring.write(np.ones(5, np.float32))
        assert heard == [10, 15]
    finally:
        shared.close()
