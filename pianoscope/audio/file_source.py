"""Play a recording into a ring buffer at real-time pace (or N times faster), as a microphone would.

The demo mode and the tests use this so that everything downstream runs the same live path.
Blocks are written when they would have finished arriving from a real device.

A microphone cannot wait for its readers; a file can. Given a consumer that must have every
sample (`keep_pace_with`, the recorder of `pianoscope record --from-file`), the source never
writes more than half the ring ahead of it, so a file played faster than the recorder drains
(`--speed inf` on a file longer than the 30 s ring) is recorded whole instead of with gaps of
silence where the ring overran.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pianoscope.audio.fileio import SAMPLE_RATE_HZ, iter_audio_blocks, probe_audio
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.audio.source import DEFAULT_RING_SECONDS
from pianoscope.audio.worker_thread import WorkerThread
from pianoscope.errors import PianoscopeError

log = logging.getLogger(__name__)

# How often a source held back by its consumer looks again: well under the recorder's 0.25 s.
PACE_POLL_S = 0.01


class FileSource:
    """A recording played as live input; `speed=math.inf` writes as fast as possible."""

    def __init__(
        self,
        path: str | Path,
        *,
        speed: float = 1.0,
        loop: bool = False,
        block_frames: int = 512,
        ring_seconds: float = DEFAULT_RING_SECONDS,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.path = Path(path)
        self._speed = speed
        self._loop = loop
        self._block_frames = block_frames
        self.ring = RingBuffer(int(ring_seconds * SAMPLE_RATE_HZ))
        self._worker = WorkerThread(self._run, "file-source")
        self._finished = threading.Event()
        self._error: PianoscopeError | None = None
        self._last_block_time_s = 0.0
        self._consumed: Callable[[], int] | None = None

    @property
    def sample_rate_hz(self) -> int:
        return SAMPLE_RATE_HZ

    @property
    def name(self) -> str:
        return f"{self.path.name} (file)"

    @property
    def overflow_count(self) -> int:
        return 0

    @property
    def last_block_time_s(self) -> float:
        return self._last_block_time_s

    @property
    def running(self) -> bool:
        return self._worker.started and not self._finished.is_set()

    @property
    def finished(self) -> threading.Event:
        """Set once the whole file has been played (never, when looping) or on stop/error."""
        return self._finished

    def keep_pace_with(self, consumed: Callable[[], int]) -> None:
        """Never write more than half the ring ahead of a consumer: `consumed()` is the ring
        index up to which it has taken the samples (see the module docstring). Call before
        `start()`."""
        self._consumed = consumed

    def start(self) -> None:
        """Check the file is readable (raises AudioFileError), then start playing it."""
        probe_audio(self.path)
        self._finished.clear()
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def check(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            self._play()
        except PianoscopeError as error:
            log.error("%s", error)
            self._error = error
        finally:
            self._finished.set()

    def _play(self) -> None:
        rate = SAMPLE_RATE_HZ * self._speed
        started_s = time.monotonic()
        written = 0
        while True:
            for block in iter_audio_blocks(self.path, block_s=1.0):
                for offset in range(0, block.size, self._block_frames):
                    chunk = block[offset : offset + self._block_frames]
                    if not math.isinf(rate):
                        delay_s = started_s + (written + chunk.size) / rate - time.monotonic()
                        if delay_s > 0 and self._worker.stopping.wait(delay_s):
                            return
                    if self._worker.stopping.is_set() or not self._wait_for_room(chunk.size):
                        return
                    self.ring.write(chunk)
                    self._last_block_time_s = time.monotonic()
                    written += chunk.size
            if not self._loop:
                return

    def _wait_for_room(self, frames: int) -> bool:
        """Wait until `frames` more keep the ring at most half a ring ahead of the consumer;
        False if the source was stopped meanwhile."""
        if self._consumed is None:
            return True
        limit = self.ring.capacity // 2
        while self.ring.written + frames - self._consumed() > limit:
            if self._worker.stopping.wait(PACE_POLL_S):
                return False
        return True
