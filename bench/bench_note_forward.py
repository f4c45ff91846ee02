"""The note network's numpy forward: seconds per minute of audio, against the previous version.

    nice python bench/bench_note_forward.py [--channels 48,56,56,56 ...] [--repeats 5]

Runs `network.forward` as `analyse` does (the pieces on every usable CPU, one BLAS thread
each) over one minute of features, for the shipped weights and for random networks of the
given widths (the time depends on the widths, not on the values), and beside it the previous
convolution (every kernel tap's product added to the whole output in memory and the ReLU over
it after, before stop 47) on the same weights. Prints the fastest of `--repeats` runs of each
and their ratio. A wider network must still leave the whole `analyse` faster than basic-pitch
(bench/bench_transcription.py), so this is where its cost is read first.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from unittest import mock

import numpy as np
import torch

from pianoscope.numeric_threads import usable_cpus, use_one_numeric_thread
from pianoscope.transcription import network
from pianoscope.transcription.spectrogram import FEATURE_COUNT, FRAME_RATE_HZ
from pianoscope.transcription.training.train import NoteNetwork, parse_channels
from pianoscope.transcription.transcriber import shipped_weights

Convolution = Callable[..., np.ndarray]
LAYERS = ("conv1", "conv2", "temporal", "context")


def per_tap_conv2d_relu(
    inputs: np.ndarray, weight: np.ndarray, bias: np.ndarray, time_dilation: int = 1
) -> np.ndarray:
    """The convolution before stop 47: each tap's product over the whole output, then added;
    the ReLU over the whole output after it."""
    out_channels, _, kernel_t, kernel_f = weight.shape
    frames, bands = inputs.shape[1], inputs.shape[2]
    flat, width = network.flat_padded(inputs, kernel_t, kernel_f, time_dilation)
    span = frames * width
    out = np.empty((out_channels, span), dtype=np.float32)
    out[:] = bias[:, None]
    for i in range(kernel_t):
        for j in range(kernel_f):
            start = i * time_dilation * width + j
            out += weight[:, :, i, j] @ flat[:, start : start + span]
    np.maximum(out, 0.0, out=out)
    return out.reshape(out_channels, frames, width)[:, :, :bands]


def seconds(
    features: np.ndarray, weights: dict[str, np.ndarray], convolution: Convolution, repeats: int
) -> float:
    """The fastest of `repeats` forward passes with `convolution` in the network's place."""
    best = float("inf")
    with mock.patch.object(network, "_conv2d_relu", convolution):
        for _ in range(repeats):
            started = time.perf_counter()
            network.forward(features, weights, workers=usable_cpus())
            best = min(best, time.perf_counter() - started)
    return best


def random_weights(channels: tuple[int, int, int, int]) -> dict[str, np.ndarray]:
    torch.manual_seed(0)
    return NoteNetwork(channels).arrays()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=parse_channels, nargs="*", default=[(48, 56, 56, 56)])
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    use_one_numeric_thread()
    frames = int(60 * FRAME_RATE_HZ)
    features = np.random.default_rng(0).uniform(-1.0, 0.0, (frames, FEATURE_COUNT))
    features = features.astype(np.float32)
    networks = [("shipped", shipped_weights())]
    networks += [(",".join(map(str, c)), random_weights(c)) for c in arguments.channels]
    print(f"one minute of audio, {usable_cpus()} workers, one BLAS thread each")
    for name, weights in networks:
        widths = [weights[f"{layer}.weight"].shape[0] for layer in LAYERS]
        blocked = seconds(features, weights, network._conv2d_relu, arguments.repeats)
        per_tap = seconds(features, weights, per_tap_conv2d_relu, arguments.repeats)
        print(
            f"{name:>12} {widths}: {blocked:.3f} s (previous {per_tap:.3f} s, "
            f"{per_tap / blocked:.2f}x)"
        )


if __name__ == "__main__":
    main()
