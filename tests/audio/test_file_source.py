"""A file played as live input: real-time pace, faster for tests, looping, stopping."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import soundfile as sf
from support.waiting import wait_until

from pianoscope.audio.file_source import FileSource
from pianoscope.errors import AudioFileError

RATE = 44_100


@pytest.fixture()
def one_second(tmp_path):
    path = tmp_path / "ramp.wav"
    sf.write(path, np.linspace(-0.5, 0.5, RATE, dtype=np.float32), RATE, subtype="FLOAT")
    return path


@pytest.mark.parametrize("speed", [1.0, 4.0])
def test_file_plays_whole_and_no_faster_than_the_requested_pace(one_second, speed):
    """Paced, not written at once: it cannot finish before 1/speed s (a bound load cannot break).
    How close to 1/speed it comes is a wall-clock figure: bench/bench_pace.py prints it."""
    source = FileSource(one_second, speed=speed)
    started = time.monotonic()
    source.start()
    assert source.finished.wait(60)
    elapsed = time.monotonic() - started
    source.stop()
    assert elapsed >= 1.0 / speed - 0.005
    assert source.ring.written == RATE


def test_samples_arrive_in_order_and_complete(one_second):
    source = FileSource(one_second, speed=math.inf, block_frames=300)
    reader = source.ring.reader()
    source.start()
    assert source.finished.wait(60)
    source.stop()
    samples = reader.read().samples
    np.testing.assert_array_equal(samples, np.linspace(-0.5, 0.5, RATE, dtype=np.float32))


def test_looping_source_keeps_playing_until_stopped(one_second):
    source = FileSource(one_second, speed=20.0, loop=True)
    source.start()
    wait_until(lambda: source.ring.written > 2 * RATE, 60, "the second pass of the file is played")
    assert source.running and not source.finished.is_set()
    source.stop()
    assert not source.running


def test_unreadable_file_fails_at_start(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    with pytest.raises(AudioFileError):
        FileSource(bad).start()
