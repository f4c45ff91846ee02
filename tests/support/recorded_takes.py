"""Feeding a ring that a recorder drains, block by block, for the take-timeline tests."""

from __future__ import annotations

import numpy as np
from support.waiting import wait_until

from pianoscope.audio.recorder import Recorder
from pianoscope.audio.ringbuffer import RingBuffer

RATE = 44_100


def write_and_wait_until_taken(ring: RingBuffer, recorder: Recorder, audio: np.ndarray) -> None:
    """Write `audio` and return once the recorder has read it (kept or, paused, passed over)."""
    ring.write(audio)
    target = ring.written
    wait_until(lambda: recorder.consumed_index >= target, 10, "the recorder took the block")


def noise(seconds: float, seed: int) -> np.ndarray:
    """Audio whose every 2 s window is unlike any other (a tone would repeat itself)."""
    return np.random.default_rng(seed).normal(0, 0.1, round(seconds * RATE)).astype(np.float32)
