"""A preallocated single-writer, many-reader ring buffer of float32 mono samples.

The writer (the PortAudio callback) only copies into preallocated memory and then publishes a
monotonic sample counter. Each reader keeps its own position. The writer announces the range it is
about to overwrite before touching it (a seqlock in spirit), so a reader can tell after a copy
whether the writer overran any of it, and reports those samples as lost instead of returning
garbage.

The samples and the counters may live in memory the caller provides, such as shared memory that
a reader in another process maps (`audio/shared_ring.py`); such a reader is woken through a
listener that the writer calls after each write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# The counters (int64): samples written, end of the range being written, time of the last write.
WRITTEN, WRITING_UNTIL, WRITTEN_AT_NS = 0, 1, 2
COUNTERS = 3


@dataclass(frozen=True)
class ReadResult:
    """Samples read by a reader: `samples[0]` is sample number `start_index` of the stream.

    `lost` counts samples the reader skipped because the writer overwrote them before they were
    read (the reader fell more than the buffer's capacity behind).
    """

    samples: np.ndarray
    start_index: int
    lost: int

    @property
    def end_index(self) -> int:
        return self.start_index + self.samples.size


class RingBuffer:
    """Fixed-capacity circular buffer with a 64-bit monotonic count of samples ever written."""

    def __init__(
        self,
        capacity_frames: int,
        *,
        samples: np.ndarray | None = None,
        counters: np.ndarray | None = None,
    ) -> None:
        """`samples` (float32, `capacity_frames`) and `counters` (int64, `COUNTERS`) may be
        given, zeroed, when another process shares them; by default the ring allocates its own."""
        if capacity_frames <= 0:
            raise ValueError("capacity_frames must be positive")
        self._buffer = np.zeros(capacity_frames, np.float32) if samples is None else samples
        self._counters = np.zeros(COUNTERS, np.int64) if counters is None else counters
        if self._buffer.shape != (capacity_frames,) or self._counters.shape != (COUNTERS,):
            raise ValueError("samples or counters of the wrong shape")
        self._capacity = capacity_frames
        # Readers that must react at once (the live analysis) sleep on this instead of polling.
        self._new_samples = threading.Condition()
        self._listeners: list[Callable[[], None]] = []

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def written(self) -> int:
        """Total samples written since creation (the index one past the newest sample)."""
        return int(self._counters[WRITTEN])

    @property
    def written_at_s(self) -> float:
        """`time.monotonic()` when the newest samples were written (0 before the first)."""
        return int(self._counters[WRITTEN_AT_NS]) / 1e9

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener()` (on the writer's thread: it must be quick) after every write."""
        self._listeners.append(listener)

    def write(self, block: np.ndarray) -> None:
        """Append samples. Only one thread may write. Does not allocate for 1-D float32 input."""
        count = block.shape[0]
        if count == 0:
            return
        start = self.written
        if count > self._capacity:
            block = block[count - self._capacity :]
            start += count - self._capacity
            count = self._capacity
        counters = self._counters
        counters[WRITING_UNTIL] = start + count
        offset = start % self._capacity
        first = min(count, self._capacity - offset)
        self._buffer[offset : offset + first] = block[:first]
        if first < count:
            self._buffer[: count - first] = block[first:]
        counters[WRITTEN_AT_NS] = time.monotonic_ns()
        counters[WRITTEN] = start + count
        with self._new_samples:
            self._new_samples.notify_all()
        for listener in self._listeners:
            listener()

    def wait_until_written(self, index: int, timeout_s: float) -> bool:
        """Block until sample `index - 1` has been written or `timeout_s` passed; True if written.

        Woken by each write, so a waiting reader runs as soon as its data is there instead of up
        to a polling interval later.
        """
        with self._new_samples:
            return self._new_samples.wait_for(lambda: self.written >= index, timeout_s)

    def reader(self, *, from_start: bool = False) -> RingReader:
        """A new reader positioned at the newest sample, or at the oldest one still held."""
        written = self.written
        position = max(0, written - self._capacity) if from_start else written
        return RingReader(self, position)

    def latest(self, frames: int) -> ReadResult:
        """Copy of the newest `frames` samples (fewer if fewer were ever written)."""
        end = self.written  # read once: the writer may advance while we copy
        return self._copy(max(0, end - min(frames, self._capacity)), end)

    def read_range(self, start: int, end: int) -> ReadResult:
        """Copy of samples [start, end) of the stream, less any already overwritten (`lost`);
        `end` must not lie beyond what was written."""
        if end > self.written:
            raise ValueError(f"samples up to {end} were asked for, {self.written} written")
        return self._copy(max(start, 0, end - self._capacity), end)

    def _copy(self, start: int, end: int) -> ReadResult:
        """Copy samples [start, end) and drop from the front any the writer overran meanwhile."""
        count = end - start
        offset = start % self._capacity
        first = min(count, self._capacity - offset)
        out = np.empty(count, dtype=np.float32)
        out[:first] = self._buffer[offset : offset + first]
        if first < count:
            out[first:] = self._buffer[: count - first]
        clobbered_below = int(self._counters[WRITING_UNTIL]) - self._capacity
        if clobbered_below > start:
            skipped = min(count, clobbered_below - start)
            return ReadResult(out[skipped:], start + skipped, skipped)
        return ReadResult(out, start, 0)


class RingReader:
    """One consumer's position in a RingBuffer; not shared between threads."""

    def __init__(self, ring: RingBuffer, position: int) -> None:
        self._ring = ring
        self._position = position
        self.lost_total = 0

    @property
    def position(self) -> int:
        """Index of the next sample this reader will return."""
        return self._position

    @property
    def available(self) -> int:
        """Samples written but not yet read (may exceed the capacity if the reader fell behind)."""
        return self._ring.written - self._position

    def read(self, max_frames: int | None = None) -> ReadResult:
        """Return unread samples (at most `max_frames`) and advance past them.

        If the writer has overwritten samples this reader had not read yet, they are skipped and
        counted in `lost` (and in `lost_total`).
        """
        end = self._ring.written
        oldest = end - self._ring.capacity
        lost = 0
        if self._position < oldest:
            lost = oldest - self._position
            self._position = oldest
        stop = end if max_frames is None else min(end, self._position + max_frames)
        result = self._ring._copy(self._position, stop)
        lost += result.lost
        self._position = result.end_index
        self.lost_total += lost
        return ReadResult(result.samples, result.start_index, lost)
