"""A preallocated single-writer, many-reader ring buffer of float32 mono samples.

The writer (the PortAudio callback) only copies into preallocated memory and then publishes a
monotonic sample counter. Each reader keeps its own position. The writer announces the range it is
about to overwrite before touching it (a seqlock in spirit), so a reader can tell after a copy
whether the writer overran any of it, and reports those samples as lost instead of returning
garbage.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


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

    def __init__(self, capacity_frames: int) -> None:
        if capacity_frames <= 0:
            raise ValueError("capacity_frames must be positive")
        self._buffer = np.zeros(capacity_frames, dtype=np.float32)
        self._capacity = capacity_frames
        self._written = 0
        self._writing_until = 0
        # Readers that must react at once (the live analysis) sleep on this instead of polling.
        self._new_samples = threading.Condition()

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def written(self) -> int:
        """Total samples written since creation (the index one past the newest sample)."""
        return self._written

    def write(self, block: np.ndarray) -> None:
        """Append samples. Only one thread may write. Does not allocate for 1-D float32 input."""
        count = block.shape[0]
        if count == 0:
            return
        start = self._written
        if count > self._capacity:
            block = block[count - self._capacity :]
            start += count - self._capacity
            count = self._capacity
        self._writing_until = start + count
        offset = start % self._capacity
        first = min(count, self._capacity - offset)
        self._buffer[offset : offset + first] = block[:first]
        if first < count:
            self._buffer[: count - first] = block[first:]
        self._written = self._writing_until
        with self._new_samples:
            self._new_samples.notify_all()

    def wait_until_written(self, index: int, timeout_s: float) -> bool:
        """Block until sample `index - 1` has been written or `timeout_s` passed; True if written.

        Woken by each write, so a waiting reader runs as soon as its data is there instead of up
        to a polling interval later.
        """
        with self._new_samples:
            return self._new_samples.wait_for(lambda: self._written >= index, timeout_s)

    def reader(self, *, from_start: bool = False) -> RingReader:
        """A new reader positioned at the newest sample, or at the oldest one still held."""
        position = max(0, self._written - self._capacity) if from_start else self._written
        return RingReader(self, position)

    def latest(self, frames: int) -> ReadResult:
        """Copy of the newest `frames` samples (fewer if fewer were ever written)."""
        end = self._written  # read once: the writer may advance while we copy
        return self._copy(max(0, end - min(frames, self._capacity)), end)

    def _copy(self, start: int, end: int) -> ReadResult:
        """Copy samples [start, end) and drop from the front any the writer overran meanwhile."""
        count = end - start
        offset = start % self._capacity
        first = min(count, self._capacity - offset)
        out = np.empty(count, dtype=np.float32)
        out[:first] = self._buffer[offset : offset + first]
        if first < count:
            out[first:] = self._buffer[: count - first]
        clobbered_below = self._writing_until - self._capacity
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
