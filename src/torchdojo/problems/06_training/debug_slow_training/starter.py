"""A positional encoding and an accuracy metric from a training script that is far too slow."""

# TODO: this code has 3 bugs; fix them.
# Symptoms seen in the profiler (the results themselves are right):
#   1. every forward pass of SinusoidalEncoding costs more than the rest of the model: the same
#      thousands of tiny tensor operations run again on each call;
#   2. that cost grows with max_len * dim (seconds per call for max_len=4096, dim=512), far
#      more than the arithmetic itself needs;
#   3. accuracy() at the end of every batch takes longer than the training step, and on a GPU
#      it stalls the device once per sample (a host sync per element).

import math

import torch
from torch import nn


class SinusoidalEncoding(nn.Module):
    """Add the fixed sinusoidal position table to a (B, T, dim) batch."""

    def __init__(self, dim: int, max_len: int) -> None:
        super().__init__()
        self.dim = dim
        self.max_len = max_len

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        T = x.shape[1]
        # TODO: profile this
        pe = torch.zeros(self.max_len, self.dim)
        for pos in range(self.max_len):
            for i in range(0, self.dim, 2):
                angle = pos / 10000 ** (i / self.dim)
                pe[pos, i] = math.sin(angle)
                pe[pos, i + 1] = math.cos(angle)
        return x + pe[:T]


def accuracy(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """Fraction of rows of logits (N, C) whose argmax equals targets (N,), as a Python float."""
    # TODO: profile this
    correct = 0
    for i in range(logits.shape[0]):
        pred = logits[i].cpu().argmax().item()
        if pred == targets[i].cpu().item():
            correct += 1
    return correct / logits.shape[0]
