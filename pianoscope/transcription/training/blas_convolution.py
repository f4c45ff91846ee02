"""The note network's training convolutions as matrix products on numpy's BLAS.

Pinned (`pianoscope.pinned_numerics`), torch's convolutions are slow: oneDNN is off, so ATen
unfolds each crop into a patch matrix and multiplies it with MKL, whose COMPATIBLE branch (the
one that rounds alike on Intel and AMD CPUs) runs SSE2 code. A pinned step of the 48-56 wide
network took 1.9 s on two threads. numpy's OpenBLAS is pinned to its Haswell kernels (AVX2
and FMA, the same on every CPU that has them), so the same products on it are as reproducible
and about three times faster (stop 47: a 3x3 layer's forward and backward 0.95 -> 0.37 s, a
dilated 5x1 layer's 1.20 -> 0.38 s, beside another training).

A 'same' convolution of (C, T, F) with a (O, C, kt, kf) kernel is kt * kf products, one per
tap, each reading the zero-padded input shifted by that tap (as `network._conv2d_relu`, which runs
the trained weights in `analyse`). The batch's crops lie one after another in one padded
array, each with its own padding rows, so one product per tap covers the whole batch; the
rows between crops are computed and dropped. The gradients are products of the same kind:
the input's is the output's gradient through the transposed taps, shifted the other way,
and each tap's weight gradient a product over all positions.

Every number comes out the same whatever the thread count: the outputs are computed over
fixed blocks of BLOCK columns (threads only share the blocks out), and the weight gradient's
sum over positions is cut into REDUCTION_PARTS fixed parts added in order.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.autograd.function import once_differentiable

from pianoscope.transcription.network import add_shifted_products, tap_matrices, tap_offsets

# Output columns each product covers at a time: 4096 x 56 channels stay in the cache.
BLOCK = 4096
REDUCTION_PARTS = 8
# Threads the products run on (`use_threads`); the numbers are the same for any count.
_threads = 1


def use_threads(count: int) -> None:
    """Run the products on `count` threads from now on."""
    global _threads
    _threads = max(1, count)


def blas_conv2d(
    inputs: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, time_dilation: int = 1
) -> torch.Tensor:
    """torch's `conv2d` of (B, C, T, F) float32 with 'same' padding (odd kernels) and a
    dilation over time, as matrix products on numpy's BLAS, with its gradients."""
    return _BlasConvolution.apply(inputs, weight, bias, time_dilation)


@dataclass(frozen=True)
class _Geometry:
    """Where a batch's crops lie in the padded, flattened array the products read."""

    batch: int
    channels: int
    frames: int
    keys: int
    pad_t: int
    pad_f: int
    offsets: tuple[int, ...]  # each tap's shift in the flattened array

    @property
    def padded_frames(self) -> int:
        return self.frames + 2 * self.pad_t

    @property
    def width(self) -> int:
        return self.keys + 2 * self.pad_f

    @property
    def length(self) -> int:
        """Flattened length of the padded batch."""
        return self.batch * self.padded_frames * self.width

    @property
    def span(self) -> int:
        """Output positions computed: every crop's, the last tap still inside the array."""
        return self.length - self.offsets[-1]

    def unpad(self, flat: np.ndarray, rows_from: int, columns_from: int) -> np.ndarray:
        """(channels, length) -> (batch, channels, frames, keys) starting at that row/column."""
        grid = flat.reshape(-1, self.batch, self.padded_frames, self.width)
        crop = grid[
            :, :, rows_from : rows_from + self.frames, columns_from : columns_from + self.keys
        ]
        return np.ascontiguousarray(crop.transpose(1, 0, 2, 3))


def _geometry(inputs: torch.Tensor, weight: torch.Tensor, time_dilation: int) -> _Geometry:
    batch, channels, frames, keys = inputs.shape
    _, _, kernel_t, kernel_f = weight.shape
    width = keys + 2 * (kernel_f // 2)
    offsets = tuple(tap_offsets(kernel_t, kernel_f, time_dilation, width))
    return _Geometry(
        batch, channels, frames, keys, time_dilation * (kernel_t // 2), kernel_f // 2, offsets
    )


def _padded(
    values: np.ndarray, geometry: _Geometry, rows_from: int, columns_from: int
) -> np.ndarray:
    """(batch, channels, frames, keys) -> (channels, length): zeros around each crop, which
    starts at that row and column of its padded place."""
    grid = np.zeros(
        (values.shape[1], geometry.batch, geometry.padded_frames, geometry.width), np.float32
    )
    grid[
        :, :, rows_from : rows_from + geometry.frames, columns_from : columns_from + geometry.keys
    ] = values.transpose(1, 0, 2, 3)
    return grid.reshape(values.shape[1], -1)


def _shifted_products(
    out: np.ndarray, taps: list[np.ndarray], source: np.ndarray, offsets: list[int]
) -> None:
    """out[:, p] = sum over k of taps[k] @ source[:, p + offsets[k]], block by block, the
    blocks shared out over the threads."""
    span = out.shape[1]
    starts = list(range(0, span, BLOCK))
    threads = min(_threads, len(starts))

    def run(share: list[int]) -> None:
        scratch = np.empty((out.shape[0], BLOCK), np.float32)
        for begin in share:
            block = out[:, begin : min(span, begin + BLOCK)]
            add_shifted_products(block, taps, source, offsets, begin, scratch)

    shares = [starts[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, shares))


class _BlasConvolution(torch.autograd.Function):
    @staticmethod
    def forward(  # type: ignore[override]
        ctx: Any,
        inputs: torch.Tensor,
        weight: torch.Tensor,
        bias: torch.Tensor,
        time_dilation: int,
    ) -> torch.Tensor:
        geometry = _geometry(inputs, weight, time_dilation)
        weights = weight.detach().numpy()
        source = _padded(inputs.detach().numpy(), geometry, geometry.pad_t, geometry.pad_f)
        out = np.zeros((weights.shape[0], geometry.length), np.float32)
        taps = tap_matrices(weights)
        _shifted_products(out[:, : geometry.span], taps, source, list(geometry.offsets))
        result = geometry.unpad(out, 0, 0)
        result += bias.detach().numpy()[None, :, None, None]
        ctx.geometry, ctx.source, ctx.weights = geometry, source, weights
        return torch.from_numpy(result)

    @staticmethod
    @once_differentiable
    def backward(ctx: Any, gradient: torch.Tensor) -> tuple[Any, ...]:
        geometry: _Geometry = ctx.geometry
        source: np.ndarray = ctx.source
        weights: np.ndarray = ctx.weights
        out_gradient = gradient.numpy()
        # The output's gradient where the forward wrote its outputs, zero between the crops.
        spread = _padded(out_gradient, geometry, 0, 0)
        bias_gradient = out_gradient.sum(axis=(0, 2, 3), dtype=np.float32)
        weight_gradient = _weight_gradient(spread, source, geometry).reshape(weights.shape)
        input_gradient = None
        if ctx.needs_input_grad[0]:  # not for the first layer, whose input is the features
            input_gradient = torch.from_numpy(_input_gradient(spread, weights, geometry))
        return (
            input_gradient,
            torch.from_numpy(weight_gradient),
            torch.from_numpy(bias_gradient),
            None,
        )


def _input_gradient(spread: np.ndarray, weights: np.ndarray, geometry: _Geometry) -> np.ndarray:
    """(B, C, T, F): each tap's transpose, reading the output's gradient shifted back."""
    last = geometry.offsets[-1]
    shifted_back = np.zeros((spread.shape[0], last + geometry.length), np.float32)
    shifted_back[:, last : last + geometry.span] = spread[:, : geometry.span]
    input_flat = np.empty((geometry.channels, geometry.length), np.float32)
    backwards = [last - offset for offset in geometry.offsets]
    _shifted_products(input_flat, tap_matrices(weights, transposed=True), shifted_back, backwards)
    return geometry.unpad(input_flat, geometry.pad_t, geometry.pad_f)


def _weight_gradient(spread: np.ndarray, source: np.ndarray, geometry: _Geometry) -> np.ndarray:
    """(O, C, taps): each tap's product of the output's gradient with the input it read,
    summed over REDUCTION_PARTS fixed parts of the positions, in order."""
    bounds = np.linspace(0, geometry.span, REDUCTION_PARTS + 1).astype(int)

    def part(index: int) -> np.ndarray:
        begin, end = bounds[index], bounds[index + 1]
        return np.stack(
            [spread[:, begin:end] @ source[:, begin + o : end + o].T for o in geometry.offsets],
            axis=-1,
        )

    threads = min(_threads, REDUCTION_PARTS)
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(part, range(REDUCTION_PARTS)))
    total = parts[0]
    for more in parts[1:]:
        total = total + more
    return total
