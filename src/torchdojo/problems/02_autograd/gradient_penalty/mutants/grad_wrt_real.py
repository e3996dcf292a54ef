"""Differentiates the critic at the real samples instead of at the interpolates."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x = real.detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
