"""A file played as live input: real-time pace, faster for tests, looping, stopping."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import soundfile as sf

from pianoscope.audio.file_source import FileSource
from pianoscope.errors import AudioFileError

RATE = 44_100


@pytest.fixture()
def one_second(tmp_path):
    path = tmp_path / "ramp.wav"
    sf.write(path, np.linspace(-0.5, 0.5, RATE, dtype=np.float32), RATE, subtype="FLOAT")
    return path


@pytest.mark.parametrize("speed", [1.0, 4.0])
def test_file_plays_at_the_requested_pace(one_second, speed):
    source = FileSource(one_second, speed=speed)
    started = time.monotonic()
    source.start()
    assert source.finished.wait(5)
    elapsed = time.monotonic() - started
    source.stop()
    print(f"\n1 s of audio at {speed}x took {elapsed:.3f} s")
    assert elapsed == pytest.approx(1.0 / speed, rel=0.2, abs=0.03)
    assert source.ring.written == RATE


def test_samples_arrive_in_order_and_complete(one_second):
    source = FileSource(one_second, speed=math.inf, block_frames=300)
    reader = source.ring.reader()
    source.start()
    source.finished.wait(5)
    source.stop()
    samples = reader.read().samples
    np.testing.assert_array_equal(samples, np.linspace(-0.5, 0.5, RATE, dtype=np.float32))


def test_looping_source_keeps_playing_until_stopped(one_second):
    source = FileSource(one_second, speed=20.0, loop=True)
    source.start()
    time.sleep(0.2)
    assert source.running
    source.stop()
    assert source.ring.written > RATE
    assert not source.running


def test_unreadable_file_fails_at_start(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    with pytest.raises(AudioFileError):
        FileSource(bad).start()
