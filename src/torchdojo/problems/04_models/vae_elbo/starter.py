"""A variational autoencoder: Gaussian encoder, reparameterised sample, Bernoulli decoder."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


class VAE(nn.Module):
    def __init__(self, input_dim: int, hidden: int, latent: int) -> None:
        super().__init__()
        # TODO: self.encoder = nn.Sequential(nn.Linear(input_dim, hidden), nn.ReLU())
        # TODO: self.fc_mu and self.fc_logvar: nn.Linear(hidden, latent) each
        # TODO: self.decoder = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),
        #                                    nn.Linear(hidden, input_dim))   -- logits, no Sigmoid
        raise NotImplementedError

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, input_dim) -> (mu, logvar), each (B, latent)."""
        # TODO
        raise NotImplementedError

    def reparameterize(self, mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """Train mode: a sample mu + sigma * eps; eval mode: mu."""
        # TODO: sigma from the log-variance, eps from torch.randn_like
        raise NotImplementedError

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, latent) -> logits (B, input_dim)."""
        # TODO
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(x_logits, mu, logvar)."""
        # TODO
        raise NotImplementedError


def vae_loss(x_logits: torch.Tensor, x: torch.Tensor, mu: torch.Tensor,
             logvar: torch.Tensor) -> torch.Tensor:
    """Negative ELBO, averaged over the batch: a 0-d tensor."""
    # TODO: BCE with logits summed over features + KL(N(mu, sigma^2) || N(0, 1)) summed over
    #       latent dimensions, per example; then the mean over the batch
    raise NotImplementedError
