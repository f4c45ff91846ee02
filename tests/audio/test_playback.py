"""Playback: position follows the callback, loops wrap, slower speed keeps the pitch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sounddevice as sd
import soundfile as sf
from support.waiting import wait_until

from pianoscope.audio.fileio import write_audio
from pianoscope.audio.playback import BLOCK_FRAMES, Player
from pianoscope.errors import AudioDeviceError

RATE = 44_100


class ManualStream:
    """Stands in for sd.OutputStream: the test pulls blocks through the player's callback.

    A real device would take whatever the feeder has ready and play an underrun as silence; here
    each block is pulled only once the feeder has caught up (its queue full, or the file read to
    its end), so a slow machine changes nothing the tests see.
    """

    def __init__(self, *, callback, finished_callback, channels, **_kwargs):
        assert channels == 1
        self.callback, self.finished_callback = callback, finished_callback
        self.feeder_caught_up: Callable[[], bool] = lambda: True
        self.active = False

    def start(self):
        self.active = True

    def stop(self):
        self.active = False

    def close(self):
        pass

    def pull(self, blocks: int) -> np.ndarray:
        """Run the callback `blocks` times, like PortAudio would, each once the feeder is ahead."""
        out = []
        for _ in range(blocks):
            wait_until(self.feeder_caught_up, 30, "the playback feeder has filled its queue")
            block = np.full((BLOCK_FRAMES, 1), np.nan, np.float32)
            try:
                self.callback(block, BLOCK_FRAMES, None, None)
            except sd.CallbackStop:
                self.finished_callback()
                out.append(block[:, 0].copy())
                break
            out.append(block[:, 0].copy())
        return np.concatenate(out)


def _feeder_caught_up(player: Player) -> bool:
    """The feeder thread has nothing more to do for now: its queue is full or it has finished.
    (Reads the player's private queue: no public API says how far ahead the feeder is.)"""
    feeder = player._feeder
    return player._queue.full() or feeder is None or not feeder.is_alive()


@pytest.fixture()
def ramp_file(tmp_path):
    """A ramp: every sample tells where in the file it comes from."""
    samples = (np.arange(3 * RATE) / (3 * RATE) * 0.9 + 0.05).astype(np.float32)
    path = tmp_path / "ramp.wav"
    sf.write(str(path), samples, RATE, subtype="FLOAT")
    return path, samples


def make_player(path):
    streams = []

    def factory(**kwargs):
        streams.append(ManualStream(**kwargs))
        streams[-1].feeder_caught_up = lambda: _feeder_caught_up(player)
        return streams[-1]

    player = Player(path, stream_factory=factory)
    return player, streams


def test_playback_starts_where_asked_and_position_follows(ramp_file):
    path, samples = ramp_file
    player, streams = make_player(path)
    player.play(1.0)
    out = streams[-1].pull(10)
    assert out[0] == pytest.approx(samples[RATE], abs=1e-6)
    np.testing.assert_allclose(out, samples[RATE : RATE + out.size], atol=1e-6)
    assert player.position_s == pytest.approx(1.0 + out.size / RATE, abs=1e-3)
    player.stop()
    assert not player.playing


def test_loop_wraps_back_to_its_start(ramp_file):
    path, samples = ramp_file
    player, streams = make_player(path)
    player.set_loop(0.5, 0.6)
    player.play(0.0)  # outside the loop: starts at the loop
    out = streams[-1].pull(20)
    loop = samples[round(0.5 * RATE) : round(0.6 * RATE)]
    np.testing.assert_allclose(out[: loop.size], loop, atol=1e-6)
    np.testing.assert_allclose(out[loop.size : 2 * loop.size], loop, atol=1e-6)
    assert 0.5 <= player.position_s <= 0.6 + 1e-3
    player.stop()


def test_playback_to_the_end_finishes_by_itself(ramp_file):
    path, _ = ramp_file
    player, streams = make_player(path)
    player.play(2.9)
    out = streams[-1].pull(20)
    assert player.finished
    assert out.size < 20 * BLOCK_FRAMES
    assert player.position_s == pytest.approx(3.0)


def test_half_speed_lasts_twice_as_long_at_the_same_pitch(tmp_path):
    t = np.arange(2 * RATE) / RATE
    path = tmp_path / "a4.wav"
    write_audio(path, (0.5 * np.sin(2 * np.pi * 440.0 * t + 0.3)).astype(np.float32), RATE)
    player, streams = make_player(path)
    player.set_speed(0.5)
    player.play(0.0)
    out = streams[-1].pull(40)
    assert player.position_s == pytest.approx(out.size / RATE / 2, abs=0.06)
    middle = out[RATE // 4 : RATE // 4 + 16_384]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(middle.size)))
    assert np.argmax(spectrum) * RATE / middle.size == pytest.approx(440.0, abs=3.0)
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)
    player.stop()


def test_speed_outside_the_range_is_refused(ramp_file):
    player, _ = make_player(ramp_file[0])
    with pytest.raises(ValueError):
        player.set_speed(2.0)


def test_missing_output_device_is_explained(ramp_file):
    def broken(**_kwargs):
        raise sd.PortAudioError("Invalid device")

    player = Player(ramp_file[0], stream_factory=broken)
    with pytest.raises(AudioDeviceError, match="speakers or headphones"):
        player.play(0.0)
    assert not player.playing


@pytest.mark.pulse
def test_plays_through_the_virtual_sound_card(virtual_mic, ramp_file):
    player = Player(ramp_file[0], device=virtual_mic)
    player.play(2.5)
    wait_until(lambda: player.finished, 30, "the last half second has played")
    player.stop()
    assert player.finished
    assert player.position_s == pytest.approx(3.0)
