"""Builds x_hat without detaching it from real and fake: when fake comes from a generator, the
penalty's gradient flows back into fake (and the generator)."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = alpha * real + (1 - alpha) * fake
    if not x_hat.requires_grad:
        x_hat.requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
