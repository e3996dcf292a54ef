"""Squeezes the (B, 1) scores and passes grad_outputs=torch.ones(B): for a batch of one the
squeezed scores are 0-d and the shapes no longer match."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    scores = critic(x_hat).squeeze()
    ones = torch.ones(real.shape[0], dtype=real.dtype)
    (grads,) = torch.autograd.grad(scores, x_hat, grad_outputs=ones, create_graph=True)
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
