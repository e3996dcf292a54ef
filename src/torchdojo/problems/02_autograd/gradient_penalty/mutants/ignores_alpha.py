"""Ignores the given alpha and draws its own with torch.rand, as in a training loop."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    a = torch.rand(alpha.shape, dtype=real.dtype)
    x_hat = (a * real + (1 - a) * fake).detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
