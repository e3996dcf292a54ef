"""The fake batch is not detached for the discriminator step: D's loss backpropagates into G and
leaves gradients in G's parameters (opt_g.zero_grad() later hides it from G's update)."""

import torch
from torch import nn
from torch.nn import functional as F


class Generator(nn.Module):
    """(B, z_dim) noise -> (B, 1, 28, 28) images in [-1, 1]."""

    def __init__(self, z_dim: int = 16, ch: int = 8) -> None:
        super().__init__()
        self.ch = ch
        # No bias where a BatchNorm follows: its beta would cancel it anyway.
        self.fc = nn.Linear(z_dim, 2 * ch * 7 * 7, bias=False)
        self.bn0 = nn.BatchNorm2d(2 * ch)
        self.up1 = nn.ConvTranspose2d(2 * ch, ch, kernel_size=4, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(ch)
        self.up2 = nn.ConvTranspose2d(ch, 1, kernel_size=4, stride=2, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.fc(z).view(z.shape[0], 2 * self.ch, 7, 7)  # (B, 2ch, 7, 7)
        x = F.relu(self.bn0(x))
        x = F.relu(self.bn1(self.up1(x)))  # (B, ch, 14, 14): (7-1)*2 - 2 + 4 = 14
        return torch.tanh(self.up2(x))  # (B, 1, 28, 28), in [-1, 1]


class Discriminator(nn.Module):
    """(B, 1, 28, 28) images -> (B, 1) logits (no sigmoid)."""

    def __init__(self, ch: int = 8) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, ch, kernel_size=4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(ch, 2 * ch, kernel_size=4, stride=2, padding=1)
        self.fc = nn.Linear(2 * ch * 7 * 7, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.leaky_relu(self.conv1(x), 0.2)  # (B, ch, 14, 14): (28+2-4)//2 + 1 = 14
        x = F.leaky_relu(self.conv2(x), 0.2)  # (B, 2ch, 7, 7)
        return self.fc(x.flatten(1))  # (B, 1) raw logits


def gan_step(G: Generator, D: Discriminator, real: torch.Tensor,
             opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer, z_dim: int,
             generator: torch.Generator) -> tuple[float, float]:
    """One discriminator update, then one generator update; returns (d_loss, g_loss)."""
    bce = nn.BCEWithLogitsLoss()
    b = real.shape[0]
    # The only draw from `generator`; G runs once and its output serves both halves.
    z = torch.randn(b, z_dim, generator=generator)  # (B, z_dim)
    fake = G(z)  # (B, 1, 28, 28)

    # Discriminator: real -> 1, fake -> 0. Detach the fakes so D's loss never reaches G.
    opt_d.zero_grad()  # once: the real and fake halves accumulate into the same .grad
    logits_real = D(real)  # (B, 1)
    logits_fake = D(fake)  # (B, 1)
    d_loss = (bce(logits_real, torch.ones_like(logits_real))
              + bce(logits_fake, torch.zeros_like(logits_fake)))
    d_loss.backward(retain_graph=True)
    opt_d.step()

    # Generator, non-saturating: label the fakes 1 and pass them through the updated D.
    opt_g.zero_grad()
    logits_gen = D(fake)  # (B, 1)
    g_loss = bce(logits_gen, torch.ones_like(logits_gen))
    g_loss.backward()  # D gets gradients too; opt_d.zero_grad() clears them next step
    opt_g.step()
    return d_loss.item(), g_loss.item()
