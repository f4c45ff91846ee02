"""A ring buffer in shared memory, so that a process of its own can read the live input.

The live analysis runs in another process than the window (`app/live/analysis_process.py`):
Python's GIL lets one thread of a process run at a time, and a window that draws would otherwise
delay every spectrum. The source writes into this ring exactly as into any `RingBuffer`; the
other process maps the same memory by name and reads it with the same seqlock checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing import resource_tracker, shared_memory

import numpy as np

from pianoscope.audio.ringbuffer import COUNTERS, RingBuffer

_COUNTER_BYTES = COUNTERS * 8


@dataclass(frozen=True)
class SharedRingAddress:
    """What another process needs to map a shared ring (picklable)."""

    memory_name: str
    capacity_frames: int


class SharedRing:
    """A `RingBuffer` over a named block of shared memory; the creator unlinks it on `close()`."""

    def __init__(self, memory: shared_memory.SharedMemory, capacity: int, *, owner: bool) -> None:
        self._memory = memory
        self._owner = owner
        self.address = SharedRingAddress(memory.name, capacity)
        counters = np.ndarray((COUNTERS,), np.int64, memory.buf, 0)
        samples = np.ndarray((capacity,), np.float32, memory.buf, _COUNTER_BYTES)
        self.ring = RingBuffer(capacity, samples=samples, counters=counters)
        # The mapping ends with the ring, after the arrays over it (attributes die in order),
        # however long the source, the recorder or the classifier keep the ring.
        self.ring.mapping = memory

    @classmethod
    def create(cls, capacity_frames: int) -> SharedRing:
        """A new, empty shared ring of `capacity_frames` samples."""
        size = _COUNTER_BYTES + 4 * capacity_frames
        memory = shared_memory.SharedMemory(create=True, size=size)
        memory.buf[:size] = bytes(size)
        return cls(memory, capacity_frames, owner=True)

    @classmethod
    def attach(cls, address: SharedRingAddress) -> SharedRing:
        """Map a ring another process created (to read it)."""
        return cls(attach_memory(address.memory_name), address.capacity_frames, owner=False)

    def close(self) -> None:
        """The creator removes the memory's name: it is freed once every mapping has ended."""
        if self._owner:
            self._memory.unlink()


def attach_memory(name: str) -> shared_memory.SharedMemory:
    """Map shared memory that another process created and will free.

    Before Python 3.13 every mapping is registered for removal when its process ends, so a
    reader's exit would free the writer's memory; the registration is left out here.
    """
    register = resource_tracker.register
    resource_tracker.register = lambda *_: None
    try:
        return shared_memory.SharedMemory(name=name)
    finally:
        resource_tracker.register = register
