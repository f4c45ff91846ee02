"""Published live frames in shared memory: the analysis process writes, the window's process reads.

A fixed ring of slots, each holding one hop's result in two pickled parts: a small note (timing,
spectrogram column, counters) that the reader takes for every hop, and the frame itself, which it
unpickles only for the newest hop (the display draws only that one). The writer never waits for
the reader: a slot carries the number of the hop in it, set to -1 while it is rewritten, so a
reader that falls a whole ring behind skips the lost hops instead of reading torn ones.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np

from pianoscope.audio.shared_ring import attach_memory

SLOTS = 32
_HEADER = 2  # int64: hops published, bytes per slot
_SLOT_HEADER = 3  # int64: hop number (-1 while written), note length, frame length


@dataclass(frozen=True)
class Delivery:
    """What a reader took out: the notes of every new hop, oldest first; the newest frame."""

    notes: list[object]
    newest_frame: object | None
    lost: int


class FrameMailbox:
    """`SLOTS` slots of `slot_bytes` each in a named block of shared memory."""

    def __init__(self, memory: shared_memory.SharedMemory, *, owner: bool) -> None:
        self._memory = memory
        self._owner = owner
        self.name = memory.name
        self._header = np.ndarray((_HEADER,), np.int64, memory.buf, 0)
        self._slot_bytes = int(self._header[1])
        self._slot_size = _SLOT_HEADER * 8 + self._slot_bytes
        self._next = 0

    @classmethod
    def create(cls, slot_bytes: int) -> FrameMailbox:
        size = _HEADER * 8 + SLOTS * (_SLOT_HEADER * 8 + slot_bytes)
        memory = shared_memory.SharedMemory(create=True, size=size)
        header = np.ndarray((_HEADER,), np.int64, memory.buf, 0)
        header[:] = (0, slot_bytes)
        for slot in range(SLOTS):
            cls._slot_header(memory, slot_bytes, slot)[0] = -1
        del header
        return cls(memory, owner=True)

    @classmethod
    def attach(cls, name: str) -> FrameMailbox:
        return cls(attach_memory(name), owner=False)

    @staticmethod
    def _slot_header(memory, slot_bytes: int, slot: int) -> np.ndarray:
        offset = _HEADER * 8 + slot * (_SLOT_HEADER * 8 + slot_bytes)
        return np.ndarray((_SLOT_HEADER,), np.int64, memory.buf, offset)

    def _slot(self, hop: int) -> tuple[np.ndarray, int]:
        slot = hop % SLOTS
        offset = _HEADER * 8 + slot * self._slot_size
        header = np.ndarray((_SLOT_HEADER,), np.int64, self._memory.buf, offset)
        return header, offset + _SLOT_HEADER * 8

    # -- writer (the analysis process) ---------------------------------------------------------
    def publish(self, note: object, frame_bytes: bytes) -> None:
        """Put one hop's note and pickled frame in the next slot (ValueError if they do not fit).

        The frame comes pickled so that the hop's timing can include the pickling.
        """
        note_bytes = pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL)
        if len(note_bytes) + len(frame_bytes) > self._slot_bytes:
            raise ValueError("a live frame is larger than its mailbox slot")
        hop = int(self._header[0])
        header, data = self._slot(hop)
        header[0] = -1
        end = data + len(note_bytes)
        self._memory.buf[data:end] = note_bytes
        self._memory.buf[end : end + len(frame_bytes)] = frame_bytes
        header[1:] = (len(note_bytes), len(frame_bytes))
        header[0] = hop
        self._header[0] = hop + 1

    # -- reader (the window's process) ---------------------------------------------------------
    def take(self) -> Delivery:
        """The hops published since the last call (at most the ring's worth)."""
        published = int(self._header[0])
        first = max(self._next, published - SLOTS + 1)  # the oldest slot may be rewritten now
        lost = first - self._next
        notes, newest = [], None
        for hop in range(first, published):
            header, data = self._slot(hop)
            note_length, frame_length = int(header[1]), int(header[2])
            note_bytes = bytes(self._memory.buf[data : data + note_length])
            frame_bytes = (
                bytes(self._memory.buf[data + note_length : data + note_length + frame_length])
                if hop == published - 1
                else None
            )
            if int(header[0]) != hop:  # rewritten while we copied: lost
                lost += 1
                continue
            notes.append(pickle.loads(note_bytes))
            if frame_bytes is not None:
                newest = pickle.loads(frame_bytes)
        self._next = published
        return Delivery(notes, newest, lost)

    def close(self) -> None:
        """The creator removes the memory's name (freed once every mapping has ended)."""
        del self._header
        if self._owner:
            self._memory.unlink()
