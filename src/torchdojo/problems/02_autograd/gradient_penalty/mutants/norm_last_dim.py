"""Takes the norm over the last dimension only (dim=-1): for samples with more than one
dimension that is several norms per sample."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norms = torch.linalg.vector_norm(grads, dim=-1)
    return ((norms - 1) ** 2).mean()
