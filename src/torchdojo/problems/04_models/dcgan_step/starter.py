"""A tiny DCGAN for 28x28 images and one alternating training step."""

import torch
from torch import nn
from torch.nn import functional as F  # noqa: F401 - you will probably want it


class Generator(nn.Module):
    """(B, z_dim) noise -> (B, 1, 28, 28) images in [-1, 1]."""

    def __init__(self, z_dim: int = 16, ch: int = 8) -> None:
        super().__init__()
        # TODO: fc, bn0, up1, bn1, up2 exactly as the statement lists them
        raise NotImplementedError

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        # TODO: fc -> (B, 2*ch, 7, 7) -> bn0, ReLU -> up1, bn1, ReLU -> up2 -> tanh
        raise NotImplementedError


class Discriminator(nn.Module):
    """(B, 1, 28, 28) images -> (B, 1) logits (no sigmoid)."""

    def __init__(self, ch: int = 8) -> None:
        super().__init__()
        # TODO: conv1, conv2, fc exactly as the statement lists them
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: conv1, LeakyReLU(0.2), conv2, LeakyReLU(0.2), flatten(1), fc
        raise NotImplementedError


def gan_step(G: Generator, D: Discriminator, real: torch.Tensor,
             opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer, z_dim: int,
             generator: torch.Generator) -> tuple[float, float]:
    """One discriminator update, then one generator update; returns (d_loss, g_loss)."""
    # TODO: z = torch.randn(B, z_dim, generator=generator); fake = G(z)
    # TODO: D step: zero_grad once, BCE(D(real), 1) + BCE(D(fake.detach()), 0), backward, step
    # TODO: G step: zero_grad, BCE(D(fake), 1), backward, step
    # TODO: return the two losses as Python floats
    raise NotImplementedError
