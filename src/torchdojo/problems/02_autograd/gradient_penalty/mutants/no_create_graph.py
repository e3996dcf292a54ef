"""Takes the input-gradient without create_graph=True: the penalty has the right value but
no graph, so it cannot train the critic."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat)
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)
    return ((norms - 1) ** 2).mean()
