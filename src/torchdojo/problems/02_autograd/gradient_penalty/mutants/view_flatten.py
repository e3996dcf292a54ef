"""Flattens the input gradient with grads.view(B, -1): raises when the critic's input gradient
is not contiguous (a critic that transposes its input)."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norms = torch.linalg.vector_norm(grads.view(grads.shape[0], -1), dim=1)
    return ((norms - 1) ** 2).mean()
