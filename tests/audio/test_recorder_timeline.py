"""The take's timeline: which ring samples each take sample was, across pauses and lost audio."""

from __future__ import annotations

import numpy as np
import soundfile as sf
from support.recorded_takes import RATE, noise, write_and_wait_until_taken

from pianoscope.audio.recorder import Recorder
from pianoscope.audio.ringbuffer import RingBuffer

SEGMENT = 2 * RATE


def test_every_segment_is_read_from_the_ring_exactly_across_a_pause(tmp_path):
    ring = RingBuffer(20 * RATE)
    out = tmp_path / "paused.wav"
    recorder = Recorder(ring, out, sample_rate_hz=RATE, chunk_s=0.01, from_start=True)
    recorder.start()
    try:
        write_and_wait_until_taken(ring, recorder, noise(3.0, seed=1))
        recorder.pause()  # in the middle of the second segment
        write_and_wait_until_taken(ring, recorder, noise(1.5, seed=2))
        recorder.resume()
        write_and_wait_until_taken(ring, recorder, noise(5.0, seed=3))
    finally:
        recorder.stop()
    take, _ = sf.read(out, dtype="float32")
    timeline = recorder.timeline
    assert timeline.frames == take.size == 8 * RATE

    for end in range(SEGMENT, take.size + 1, SEGMENT):
        pieces = timeline.ring_pieces(end - SEGMENT, end)
        reads = [ring.read_range(piece.ring_start, piece.ring_end) for piece in pieces]
        assert [read.samples.size for read in reads] == [piece.frames for piece in pieces]
        np.testing.assert_array_equal(
            np.concatenate([read.samples for read in reads]), take[end - SEGMENT : end]
        )
    across = timeline.ring_pieces(SEGMENT, 2 * SEGMENT)
    assert [(piece.ring_start, piece.frames) for piece in across] == [
        (SEGMENT, RATE),
        (round(4.5 * RATE), RATE),
    ]


def test_without_a_pause_the_take_is_one_stretch_of_the_ring(tmp_path):
    ring = RingBuffer(10 * RATE)
    ring.write(noise(1.0, seed=4))  # before the take: not part of it
    recorder = Recorder(ring, tmp_path / "take.wav", sample_rate_hz=RATE, chunk_s=0.01)
    recorder.start()
    try:
        for seed in range(5, 9):
            write_and_wait_until_taken(ring, recorder, noise(0.7, seed=seed))
    finally:
        recorder.stop()
    (piece,) = recorder.timeline.ring_pieces(0, recorder.timeline.frames)
    assert (piece.take_start, piece.ring_start, piece.frames) == (0, RATE, round(2.8 * RATE))


def test_samples_lost_before_the_recorder_read_them_read_as_lost(tmp_path):
    """The take holds silence where the recorder fell behind; the ring no longer holds what was
    there, so a window over them cannot be mistaken for the take's."""
    ring = RingBuffer(1_000)
    recorder = Recorder(ring, tmp_path / "lag.wav", sample_rate_hz=RATE, chunk_s=10.0)
    recorder.start()
    ring.write(np.ones(5_000, np.float32))
    recorder.stop()
    assert ring.read_range(*_ring_span(recorder, 0, 4_000)).samples.size == 0
    read = ring.read_range(*_ring_span(recorder, 4_000, 5_000))
    assert read.lost == 0 and np.all(read.samples == 1)


def _ring_span(recorder: Recorder, start: int, end: int) -> tuple[int, int]:
    """The ring range of take samples [start, end), which must be one stretch."""
    (piece,) = recorder.timeline.ring_pieces(start, end)
    return piece.ring_start, piece.ring_end


def test_a_range_the_take_does_not_hold_yet_has_no_pieces(tmp_path):
    ring = RingBuffer(RATE)
    recorder = Recorder(ring, tmp_path / "short.wav", sample_rate_hz=RATE, chunk_s=0.01)
    recorder.start()
    try:
        write_and_wait_until_taken(ring, recorder, noise(0.5, seed=9))
    finally:
        recorder.stop()
    assert recorder.timeline.ring_pieces(0, RATE) == []
