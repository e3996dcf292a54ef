"""Never adds the output Sigmoid, even with sigmoid_output=True: the reconstruction of [0, 1]
pixels is unbounded."""

import torch
import torch.nn.functional as F
from torch import nn


class AutoEncoder(nn.Module):
    def __init__(self, input_dim: int, code_dim: int, hidden: int = 32,
                 sigmoid_output: bool = True) -> None:
        super().__init__()
        self.input_dim = input_dim
        # input -> hidden -> code: one nonlinearity, a linear code
        self.encoder = nn.Sequential(
            nn.Linear(input_dim, hidden),
            nn.ReLU(),
            nn.Linear(hidden, code_dim),
        )
        # code -> hidden -> input: the first layer takes the code_dim-sized code
        layers = [nn.Linear(code_dim, hidden), nn.ReLU(), nn.Linear(hidden, input_dim)]
        self.decoder = nn.Sequential(*layers)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        # (B, input_dim) or (B, C, H, W) -> (B, input_dim); reshape copes with any strides
        x = x.reshape(x.shape[0], self.input_dim)
        return self.encoder(x)  # (B, code_dim)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)  # (B, input_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        recon = self.decode(self.encode(x))  # (B, input_dim)
        return recon.reshape(x.shape)  # back to the caller's shape, e.g. (B, 1, 8, 8)


def train_denoising(model: nn.Module, clean: torch.Tensor, noise_std: float, epochs: int,
                    lr: float, seed: int) -> list[float]:
    """Full-batch Adam: each epoch corrupts ``clean`` with fresh noise and reconstructs it."""
    g = torch.Generator().manual_seed(seed)  # the noise stream, independent of the global RNG
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        # fresh noise every epoch, on the input only; clean itself is never modified
        noisy = clean + noise_std * torch.randn(clean.shape, generator=g)
        loss = F.mse_loss(model(noisy), clean)  # the target is the CLEAN data
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
