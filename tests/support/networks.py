"""Classifier networks whose decisions are fixed, for testing what is done with a decision."""

from __future__ import annotations

import torch

from pianoscope.model.network import PianoscopeNet


def biased_network(*, plays_piano: float, known: float) -> PianoscopeNet:
    """A network whose instrument and known logits are fixed by their biases."""
    torch.manual_seed(0)
    network = PianoscopeNet().eval()
    with torch.no_grad():
        for head, bias in ((network.instrument_head, plays_piano), (network.known_head, known)):
            head.weight.zero_()
            head.bias.fill_(bias)
    return network
