"""One L2 norm over the whole batch's gradient instead of one norm per sample."""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    norm = torch.linalg.vector_norm(grads)
    return (norm - 1) ** 2
