"""The PortAudio callback alone: it mixes or picks a channel and counts overflows."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from pianoscope.audio.live_input import LiveInput


def _block(channels: int, frames: int = 512) -> np.ndarray:
    return np.random.default_rng(channels).uniform(-1, 1, (frames, channels)).astype(np.float32)


def test_callback_mixes_all_channels_to_mono():
    source = LiveInput()
    indata = _block(3)
    source._callback(indata, 512, None, SimpleNamespace(input_overflow=False))
    np.testing.assert_allclose(source.ring.latest(512).samples, indata.mean(axis=1), atol=1e-6)


def test_callback_copies_only_the_chosen_channel():
    source = LiveInput(channel=1)
    indata = _block(2)
    source._callback(indata, 512, None, SimpleNamespace(input_overflow=False))
    np.testing.assert_array_equal(source.ring.latest(512).samples, indata[:, 1])


def test_callback_counts_overflows_and_keeps_the_block():
    source = LiveInput()
    for overflow in (True, False, True):
        source._callback(_block(1), 512, None, SimpleNamespace(input_overflow=overflow))
    assert source.overflow_count == 2
    assert source.callback_count == 3
    assert source.ring.written == 3 * 512
