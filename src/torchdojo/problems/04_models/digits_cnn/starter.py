"""A two-block CNN for handwritten digits, and a short seeded training loop."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


class DigitCNN(nn.Module):
    """conv(3x3) -> ReLU -> maxpool(2) -> conv(3x3) -> ReLU -> maxpool(2) -> flatten -> linear."""

    def __init__(self, in_ch: int = 1, hidden: int = 16, num_classes: int = 10,
                 img_size: int = 8) -> None:
        super().__init__()
        # TODO: self.conv1 and self.conv2 (3x3, padding 1)
        # TODO: self.fc, whose input size follows from img_size after two 2x2 max-pools

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: two conv -> ReLU -> max-pool blocks, flatten (keep the batch dimension), fc
        raise NotImplementedError


def train_digits(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, epochs: int,
                 lr: float, seed: int) -> list[float]:
    """Train ``model`` in place with Adam on shuffled batches of 64; per-epoch mean losses."""
    # TODO: a torch.Generator seeded with seed, Adam(model.parameters(), lr=lr), model.train()
    # TODO: each epoch: a fresh permutation, batches of 64, zero_grad / loss / backward / step
    # TODO: return the sample-weighted mean loss of each epoch, as Python floats
    raise NotImplementedError
