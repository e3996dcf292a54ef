"""A small fully connected autoencoder, trained as a denoiser."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


class AutoEncoder(nn.Module):
    def __init__(self, input_dim: int, code_dim: int, hidden: int = 32,
                 sigmoid_output: bool = True) -> None:
        super().__init__()
        # TODO: self.encoder = nn.Sequential(Linear(input_dim, hidden), ReLU, Linear(hidden, code_dim))
        # TODO: self.decoder = nn.Sequential(Linear(code_dim, hidden), ReLU, Linear(hidden, input_dim))
        #       followed by nn.Sigmoid() only when sigmoid_output is True
        raise NotImplementedError

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(B, input_dim) or (B, C, H, W) -> the code (B, code_dim)."""
        # TODO: flatten image batches (they may be non-contiguous), then run the encoder
        raise NotImplementedError

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, code_dim) -> (B, input_dim)."""
        # TODO: run the decoder
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The reconstruction of x, with x's shape."""
        # TODO: decode(encode(x)), reshaped to x.shape
        raise NotImplementedError


def train_denoising(model: nn.Module, clean: torch.Tensor, noise_std: float, epochs: int,
                    lr: float, seed: int) -> list[float]:
    """Full-batch Adam: each epoch corrupts ``clean`` with fresh noise and reconstructs it."""
    # TODO: a torch.Generator seeded with `seed`, Adam(model.parameters(), lr=lr), model.train()
    # TODO: each epoch: noisy = clean + noise_std * torch.randn(clean.shape, generator=g);
    #       loss = F.mse_loss(model(noisy), clean); zero_grad, backward, step
    # TODO: return the losses as Python floats
    raise NotImplementedError
