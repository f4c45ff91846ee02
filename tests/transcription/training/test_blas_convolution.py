"""The training's convolutions on numpy's BLAS compute torch's conv2d and its gradients, and
the same numbers whatever the thread count."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.nn import functional

from pianoscope.transcription.training.blas_convolution import blas_conv2d, use_threads

# (in, out, kernel over time, over keys, dilation over time): the note network's layers.
LAYERS = [(7, 5, 3, 3, 1), (6, 4, 5, 1, 2), (5, 6, 5, 1, 4), (6, 3, 1, 1, 1)]


def gradients(
    convolve, inputs: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, dilation: int
) -> list[torch.Tensor]:
    leaves = [t.detach().clone().requires_grad_(True) for t in (inputs, weight, bias)]
    out = convolve(*leaves, dilation)
    upstream = torch.linspace(-1.0, 1.0, out.numel()).reshape(out.shape)
    return [out.detach(), *torch.autograd.grad(out, leaves, upstream)]


def torch_conv2d(inputs, weight, bias, dilation: int) -> torch.Tensor:  # type: ignore[no-untyped-def]
    padding = (dilation * (weight.shape[2] // 2), weight.shape[3] // 2)
    return functional.conv2d(inputs, weight, bias, padding=padding, dilation=(dilation, 1))


@pytest.mark.parametrize(("channels", "outputs", "kernel_t", "kernel_f", "dilation"), LAYERS)
def test_outputs_and_gradients_are_torchs(
    channels: int, outputs: int, kernel_t: int, kernel_f: int, dilation: int
) -> None:
    generator = torch.Generator().manual_seed(channels * outputs)
    inputs = torch.randn(3, channels, 40, 23, generator=generator)
    weight = torch.randn(outputs, channels, kernel_t, kernel_f, generator=generator)
    bias = torch.randn(outputs, generator=generator)
    ours = gradients(blas_conv2d, inputs, weight, bias, dilation)
    theirs = gradients(torch_conv2d, inputs, weight, bias, dilation)
    for name, mine, reference in zip(
        ("output", "input", "weight", "bias"), ours, theirs, strict=True
    ):
        assert mine.shape == reference.shape, name
        scale = float(reference.abs().max())
        assert float((mine - reference).abs().max()) <= 1e-5 * scale, name


def test_the_numbers_are_the_same_on_one_thread_and_on_two() -> None:
    generator = torch.Generator().manual_seed(5)
    # Long enough for several blocks of columns and every part of the weight's sum.
    inputs = torch.randn(4, 6, 120, 88, generator=generator)
    weight = torch.randn(5, 6, 3, 3, generator=generator)
    bias = torch.randn(5, generator=generator)
    try:
        use_threads(1)
        one = gradients(blas_conv2d, inputs, weight, bias, 1)
        use_threads(2)
        two = gradients(blas_conv2d, inputs, weight, bias, 1)
    finally:
        use_threads(1)
    for mine, other in zip(one, two, strict=True):
        np.testing.assert_array_equal(mine.numpy(), other.numpy())


def test_the_weights_gradients_are_the_same_without_the_inputs() -> None:
    """The first layer's input (the features) needs no gradient, so none is computed."""
    generator = torch.Generator().manual_seed(6)
    inputs = torch.randn(2, 5, 30, 20, generator=generator)
    weight = torch.randn(4, 5, 3, 3, generator=generator, requires_grad=True)
    bias = torch.randn(4, generator=generator, requires_grad=True)
    with_inputs = gradients(blas_conv2d, inputs, weight, bias, 1)
    out = blas_conv2d(inputs, weight, bias, 1)
    upstream = torch.linspace(-1.0, 1.0, out.numel()).reshape(out.shape)
    weight_only = torch.autograd.grad(out, (weight, bias), upstream)
    np.testing.assert_array_equal(weight_only[0].numpy(), with_inputs[2].numpy())
    np.testing.assert_array_equal(weight_only[1].numpy(), with_inputs[3].numpy())
