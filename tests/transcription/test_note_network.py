"""The numpy forward pass that `analyse` runs is the torch network that was trained."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pianoscope.progress import Cancelled, CancelToken
from pianoscope.transcription.network import (
    CHUNK_FRAMES,
    MIN_PIECE_FRAMES,
    REGISTER_CHANNELS,
    forward,
    piece_bounds,
    register_positions,
)
from pianoscope.transcription.spectrogram import BAND_COUNT, FEATURE_COUNT, KEY_COUNT
from pianoscope.transcription.training.train import CHANNELS, NoteNetwork


def random_network(seed: int, channels: tuple[int, int, int, int] = CHANNELS) -> NoteNetwork:
    torch.manual_seed(seed)
    network = NoteNetwork(channels)
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.add_(0.2 * torch.randn_like(parameter))
    return network


@pytest.mark.parametrize("channels", [CHANNELS, (48, 56, 56, 56)])
def test_numpy_forward_matches_torch_across_chunk_boundaries(
    channels: tuple[int, int, int, int],
) -> None:
    network = random_network(3, channels)
    frames = CHUNK_FRAMES * 2 + 37
    features = np.random.default_rng(3).uniform(-1.0, 0.0, (frames, FEATURE_COUNT))
    features = features.astype(np.float32)
    ours = forward(features, network.arrays())
    with torch.no_grad():
        theirs = torch.sigmoid(network(torch.from_numpy(features)[None]))[0].numpy()
    # float32 sums in another order: up to 2e-5 of a probability after five layers
    np.testing.assert_allclose(ours.onset, theirs[0], atol=2e-5)
    np.testing.assert_allclose(ours.frame, theirs[1], atol=2e-5)
    np.testing.assert_allclose(ours.velocity, 127.0 * theirs[2], atol=127.0 * 2e-5)


def test_a_key_pattern_moved_up_a_semitone_moves_the_output_up_one_key() -> None:
    """The layers share weights across pitch: away from the edges, shifting the input by one
    key (three bands) shifts every head's output by one key. Only the per-key biases (the
    register channels, the heads' key bias) may tell keys apart; they are zeroed here. The
    pattern in the long frames' bands stays clear of their top (MIDI 84), where they end."""
    network = random_network(5)
    features = np.full((200, FEATURE_COUNT), -1.0, dtype=np.float32)
    rng = np.random.default_rng(5)
    features[50:150, 60:200] = rng.uniform(-1.0, 0.0, (100, 140))
    features[50:150, BAND_COUNT + 60 : BAND_COUNT + 150] = rng.uniform(-1.0, 0.0, (100, 90))
    shifted = np.roll(features, 3, axis=1)
    weights = network.arrays()
    weights["key_bias"][:] = 0.0
    weights["conv1.weight"][:, -REGISTER_CHANNELS:] = 0.0
    low, high = forward(features, weights), forward(shifted, weights)
    np.testing.assert_allclose(high.onset[:, 30:60], low.onset[:, 29:59], atol=1e-5)


@pytest.mark.parametrize("frames", [0, 1, MIN_PIECE_FRAMES - 1, 2 * MIN_PIECE_FRAMES, 3003, 20_011])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_pieces_cover_every_frame_once_and_are_never_longer_than_a_chunk(
    frames: int, workers: int
) -> None:
    pieces = piece_bounds(frames, workers)
    covered = np.concatenate([np.arange(start, end) for start, end in pieces] or [[]])
    np.testing.assert_array_equal(covered, np.arange(frames))
    assert all(0 < end - start <= CHUNK_FRAMES for start, end in pieces)
    if frames >= workers * MIN_PIECE_FRAMES:
        assert len(pieces) % workers == 0  # no worker left idle for the last round
        assert all(end - start >= MIN_PIECE_FRAMES - 1 for start, end in pieces)


def test_pieces_on_two_threads_give_what_one_thread_gives() -> None:
    network = random_network(7)
    features = np.random.default_rng(7).uniform(-1.0, 0.0, (CHUNK_FRAMES + 611, FEATURE_COUNT))
    features = features.astype(np.float32)
    reported: list[float] = []
    one = forward(features, network.arrays(), workers=1)
    two = forward(features, network.arrays(), workers=2, progress=reported.append)
    # the same sums; only the products' blocking may differ with the pieces' sizes
    np.testing.assert_allclose(two.onset, one.onset, atol=1e-6)
    np.testing.assert_allclose(two.velocity, one.velocity, atol=127.0 * 1e-6)
    assert reported == sorted(reported) and reported[-1] == 1.0


def test_a_cancelled_transcription_stops_every_thread_with_cancelled() -> None:
    features = np.zeros((4 * CHUNK_FRAMES, FEATURE_COUNT), dtype=np.float32)
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled, match="transcription"):
        forward(features, random_network(1).arrays(), workers=2, cancel=cancel)


def test_the_register_channel_is_what_torch_linspace_gave_the_training() -> None:
    np.testing.assert_array_equal(
        register_positions(), torch.linspace(-1.0, 1.0, KEY_COUNT).numpy()
    )
