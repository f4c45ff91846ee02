"""Ring buffer: wrap-around, many readers, overrun reported as lost samples, never garbage."""

from __future__ import annotations

import threading
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from support.waiting import wait_until

from pianoscope.audio.ringbuffer import RingBuffer

block_sizes = st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=40)


def _ramp(start: int, count: int) -> np.ndarray:
    """Samples whose value is their own index, so any misplaced sample is detectable."""
    return np.arange(start, start + count, dtype=np.float32)


@given(capacity=st.integers(1, 257), blocks=block_sizes)
def test_latest_returns_newest_samples_in_order_across_wraparound(capacity, blocks):
    ring = RingBuffer(capacity)
    total = 0
    for size in blocks:
        ring.write(_ramp(total, size))
        total += size
    assert ring.written == total
    result = ring.latest(capacity)
    assert result.end_index == total
    assert result.samples.size == min(capacity, total)
    np.testing.assert_array_equal(
        result.samples, _ramp(total - result.samples.size, result.samples.size)
    )


@given(capacity=st.integers(1, 257), blocks=block_sizes, read_every=st.integers(1, 5))
def test_reader_gets_every_sample_or_counts_it_lost(capacity, blocks, read_every):
    ring = RingBuffer(capacity)
    reader = ring.reader()
    total = 0
    received = []
    lost = 0
    for i, size in enumerate(blocks):
        ring.write(_ramp(total, size))
        total += size
        if i % read_every == 0:
            result = reader.read()
            lost += result.lost
            received.append(result)
    final = reader.read()
    lost += final.lost
    received.append(final)
    position = 0
    for result in received:
        position += result.lost
        assert result.start_index == position
        np.testing.assert_array_equal(result.samples, _ramp(position, result.samples.size))
        position = result.end_index
    assert position == total
    assert reader.lost_total == lost
    assert sum(r.samples.size for r in received) + lost == total


@given(blocks=block_sizes, max_frames=st.integers(1, 64))
def test_readers_are_independent_and_respect_max_frames(blocks, max_frames):
    ring = RingBuffer(10_000)
    fast, slow = ring.reader(), ring.reader()
    total = 0
    for size in blocks:
        ring.write(_ramp(total, size))
        total += size
        fast.read()
    chunks = []
    while slow.available:
        result = slow.read(max_frames)
        assert result.samples.size <= max_frames
        chunks.append(result.samples)
    assert fast.position == slow.position == total
    joined = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    np.testing.assert_array_equal(joined, _ramp(0, total))


def test_reader_behind_by_more_than_capacity_is_told_how_many_it_lost():
    ring = RingBuffer(100)
    reader = ring.reader()
    ring.write(_ramp(0, 250))
    result = reader.read()
    assert result.lost == 150
    assert result.start_index == 150
    np.testing.assert_array_equal(result.samples, _ramp(150, 100))


def test_block_larger_than_capacity_keeps_its_tail():
    ring = RingBuffer(8)
    ring.write(_ramp(0, 20))
    np.testing.assert_array_equal(ring.latest(8).samples, _ramp(12, 8))
    assert ring.written == 20


def test_reader_from_start_begins_at_oldest_held_sample():
    ring = RingBuffer(10)
    ring.write(_ramp(0, 25))
    assert ring.reader(from_start=True).position == 15
    assert ring.reader().position == 25


@settings(deadline=None, max_examples=10)
@given(capacity=st.integers(64, 4096), block=st.integers(1, 512))
def test_concurrent_readers_never_see_garbage(capacity, block):
    """A writer thread races two readers (one slow); every sample read equals its index."""
    ring = RingBuffer(capacity)
    total_blocks = 400
    done = threading.Event()
    errors: list[str] = []
    accounted = {}

    def consume(name: str, pause_every: int) -> None:
        reader = ring.reader(from_start=True)
        seen = lost = n = 0
        while not done.is_set() or reader.available:
            result = reader.read(capacity // 2 + 1)
            lost += result.lost
            expected = _ramp(result.start_index, result.samples.size)
            if not np.array_equal(result.samples, expected):
                errors.append(f"{name} read garbage at {result.start_index}")
                return
            seen += result.samples.size
            n += 1
            if n % pause_every == 0:
                threading.Event().wait(0.0005)  # stimulus: the slow reader dawdles
        accounted[name] = seen + lost

    readers = [
        threading.Thread(target=consume, args=("fast", 1_000_000)),
        threading.Thread(target=consume, args=("slow", 2)),
    ]
    for thread in readers:
        thread.start()
    for i in range(total_blocks):
        ring.write(_ramp(i * block, block))
    done.set()
    for thread in readers:
        thread.join()
    assert not errors
    assert accounted == {"fast": total_blocks * block, "slow": total_blocks * block}


@settings(deadline=None, max_examples=10)
@given(capacity=st.integers(1024, 8192), block=st.integers(1, 700), frames=st.integers(1, 1024))
def test_latest_never_returns_more_than_asked_while_the_writer_runs(capacity, block, frames):
    """A reader asking for the newest N samples gets at most N, in order, even mid-write."""
    ring = RingBuffer(capacity)
    done = threading.Event()
    problems: list[str] = []

    def read_latest() -> None:
        while not done.is_set():
            result = ring.latest(frames)
            if result.samples.size > frames:
                problems.append(f"asked {frames}, got {result.samples.size}")
                return
            if not np.array_equal(result.samples, _ramp(result.start_index, result.samples.size)):
                problems.append(f"garbage at {result.start_index}")
                return

    reader = threading.Thread(target=read_latest)
    reader.start()
    for i in range(2000):
        ring.write(_ramp(i * block, block))
    done.set()
    reader.join()
    assert not problems


def _sleepers(ring: RingBuffer) -> int:
    """Readers asleep in `wait_until_written` now (CPython's Condition keeps one lock per
    sleeper in `_waiters`): the only way to know the reader is waiting before we write."""
    return len(ring._new_samples._waiters)


def test_waiting_reader_wakes_on_the_write_not_at_its_timeout():
    """Asleep until sample 255 exists: a shorter write leaves it asleep, the write that completes
    it wakes it at once (long before its 30 s timeout)."""
    ring = RingBuffer(1024)
    woke: list[tuple[float, int]] = []

    def wait() -> None:
        if ring.wait_until_written(256, timeout_s=30.0):
            woke.append((time.monotonic(), ring.written))

    waiter = threading.Thread(target=wait)
    waiter.start()
    wait_until(lambda: _sleepers(ring) == 1, 30, "the reader is asleep on the ring")
    ring.write(np.ones(128, np.float32))
    wait_until(lambda: _sleepers(ring) == 1, 30, "the reader, short of data, sleeps again")
    assert not woke, "woke before its sample was written"
    written_s = time.monotonic()
    ring.write(np.ones(128, np.float32))
    waiter.join(timeout=60.0)
    assert woke, "never woke"
    woke_s, seen = woke[0]
    assert seen >= 256
    assert woke_s - written_s < 10.0  # on the write, not at the 30 s timeout


def test_waiting_for_samples_never_written_times_out():
    ring = RingBuffer(64)
    ring.write(np.ones(10, np.float32))
    assert ring.wait_until_written(10, timeout_s=0.0)
    started = time.monotonic()
    assert not ring.wait_until_written(11, timeout_s=0.05)
    assert time.monotonic() - started >= 0.04
