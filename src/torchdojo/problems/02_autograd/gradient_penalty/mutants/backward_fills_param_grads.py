"""Gets the input gradient with scores.sum().backward(create_graph=True) and reads x_hat.grad:
as a side effect every critic parameter's .grad is filled before the caller backpropagates."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    critic(x_hat).sum().backward(create_graph=True)
    grads = x_hat.grad
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
