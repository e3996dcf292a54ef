"""WGAN-GP gradient penalty: push the critic's input-gradient norm towards 1 between samples.

The penalty is a function of the critic's gradient, so it must stay differentiable
(create_graph=True) for the optimizer to be able to push on it.
"""

import torch
from torch import nn


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     alpha: torch.Tensor) -> torch.Tensor:
    """Batch mean of (||d critic(x_hat) / d x_hat||_2 - 1)^2, x_hat between real and fake."""
    # Points on the segments between paired real and fake samples; real and fake are constants
    # here, x_hat is the leaf we differentiate with respect to.
    x_hat = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(True)  # (B, ...)
    scores = critic(x_hat)  # (B, 1)
    # Each score depends only on its own sample, so the gradient of the sum holds every sample's
    # own gradient. create_graph=True keeps it differentiable w.r.t. the critic's parameters.
    (grads,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)  # (B, ...)
    # One L2 norm per sample, over all of its features.
    norms = torch.linalg.vector_norm(grads.flatten(1), dim=1)  # (B,)
    return ((norms - 1) ** 2).mean()  # ()
