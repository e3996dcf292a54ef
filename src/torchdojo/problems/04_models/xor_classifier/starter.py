"""Two small MLPs for XOR-like problems: two logits with cross-entropy, or one logit with
BCEWithLogitsLoss."""

import torch
import torch.nn.functional as F  # noqa: F401  (you will need it)
from torch import nn


class XorNet(nn.Module):
    """(B, 2) -> (B, 2) class logits."""

    def __init__(self, hidden: int = 16):
        super().__init__()
        # TODO: buffers mean (zeros) and std (ones) of shape (2,), then fc1 and fc2
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: standardise with the buffers, fc1, ReLU, fc2; return logits
        raise NotImplementedError


class BinaryMLP(nn.Module):
    """(B, in_features) -> (B,) logits of the positive class."""

    def __init__(self, in_features: int, hidden: int = 16):
        super().__init__()
        # TODO: buffers mean and std of shape (in_features,), fc1, fc2 with one output
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # TODO: like XorNet, then drop the last axis: shape (B,)
        raise NotImplementedError


def train_classifier(x: torch.Tensor, y: torch.Tensor, hidden: int = 16, epochs: int = 500,
                     lr: float = 0.05, seed: int = 0) -> XorNet:
    """Train an XorNet on (x (B, 2), y (B,) int64) with cross-entropy on its two logits."""
    # TODO: seed, build, set the buffers from x, Adam, `epochs` full-batch steps, eval mode
    raise NotImplementedError


def train_binary(x: torch.Tensor, y: torch.Tensor, hidden: int = 16, epochs: int = 500,
                 lr: float = 0.05, seed: int = 0) -> BinaryMLP:
    """Train a BinaryMLP on (x (B, F), y (B,) int64 in {0, 1}) with BCEWithLogitsLoss."""
    # TODO: as train_classifier, with BCEWithLogitsLoss on float targets
    raise NotImplementedError
