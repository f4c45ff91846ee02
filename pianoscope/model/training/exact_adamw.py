"""AdamW with a correctly rounded square root, so that a training step is the same on every CPU.

torch computes a float32 square root with MKL's vector maths, whose result depends on the code
path MKL picks for the CPU: measured at stop 40, MKL's reproducible COMPATIBLE branch rounds
723 of 4099 square roots away from the correctly rounded value on an Intel Xeon, and 651 of them
(others) on the same machine emulating an AMD EPYC or an Intel Haswell (qemu); on the Xeon
its AVX2 branch rounds them all correctly. AdamW divides by that root every step, so its weights
drifted apart between those CPUs while every forward and backward pass stayed identical.

The square root here is numpy's: IEEE 754 requires it correctly rounded and every CPU's square
root instruction gives that, whatever the vector width. Everything else is torch's AdamW
(decoupled weight decay, bias corrections, `eps` added after the root), step for step as its
single-tensor implementation, so OneCycleLR drives it the same way (`betas` in the groups).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import torch


class ExactSqrtAdamW(torch.optim.Optimizer):
    """torch.optim.AdamW (no amsgrad, no maximize) with a correctly rounded square root."""

    def __init__(
        self,
        params: Iterable[torch.nn.Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:  # type: ignore[override]
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2) = float(group["lr"]), group["betas"]
            for param in group["params"]:
                if param.grad is not None:
                    self._update(param, lr, beta1, beta2, group["eps"], group["weight_decay"])
        return loss

    def _update(
        self,
        param: torch.Tensor,
        lr: float,
        beta1: float,
        beta2: float,
        eps: float,
        weight_decay: float,
    ) -> None:
        state = self.state[param]
        if not state:
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(param, memory_format=torch.preserve_format)
            state["exp_avg_sq"] = torch.zeros_like(param, memory_format=torch.preserve_format)
        state["step"] += 1
        step, exp_avg, exp_avg_sq = state["step"], state["exp_avg"], state["exp_avg_sq"]
        grad = param.grad
        param.mul_(1 - lr * weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        step_size = lr / (1 - beta1**step)
        denominator = correctly_rounded_sqrt(exp_avg_sq)
        denominator.div_(math.sqrt(1 - beta2**step)).add_(eps)
        param.addcdiv_(exp_avg, denominator, value=-step_size)


def correctly_rounded_sqrt(values: torch.Tensor) -> torch.Tensor:
    """√values (a new CPU tensor), rounded as IEEE 754 asks, on every CPU."""
    return torch.from_numpy(np.sqrt(values.detach().cpu().numpy()))
