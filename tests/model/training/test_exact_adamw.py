"""ExactSqrtAdamW: torch's AdamW, but with a square root every CPU rounds alike."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from pianoscope.model.training.exact_adamw import ExactSqrtAdamW, correctly_rounded_sqrt


def trained_weights(
    optimizer_class: type[torch.optim.Optimizer], weight_decay: float = 1e-4
) -> list[torch.Tensor]:
    """A small network trained 40 steps under OneCycleLR (as the recipe drives its optimizer)."""
    torch.manual_seed(3)
    network = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 3))
    optimizer = optimizer_class(network.parameters(), lr=3e-3, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=40)
    inputs, targets = torch.randn(64, 12), torch.randint(0, 3, (64,))
    for _ in range(40):
        loss = nn.functional.cross_entropy(network(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    return [p.detach().clone() for p in network.parameters()]


def test_it_trains_as_torchs_adamw_does() -> None:
    ours, torchs = trained_weights(ExactSqrtAdamW), trained_weights(torch.optim.AdamW)
    for mine, theirs in zip(ours, torchs, strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-6)
    # and it did train: the weights moved from their initialisation
    torch.manual_seed(3)
    initial = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 3))
    assert not torch.allclose(initial[0].weight, ours[0])


def test_without_weight_decay_it_trains_as_torchs_adam_does() -> None:
    """How the note network trains (`transcription.training.train`: Adam, no weight decay)."""
    ours, torchs = trained_weights(ExactSqrtAdamW, 0.0), trained_weights(torch.optim.Adam, 0.0)
    for mine, theirs in zip(ours, torchs, strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-4, atol=1e-6)


def test_its_square_root_is_the_correctly_rounded_one() -> None:
    values = torch.from_numpy(
        (np.abs(np.random.default_rng(1).standard_normal(4099)) * 1e-5).astype(np.float32)
    )
    exact = np.sqrt(values.numpy().astype(np.float64)).astype(np.float32)
    assert np.array_equal(correctly_rounded_sqrt(values).numpy(), exact)
