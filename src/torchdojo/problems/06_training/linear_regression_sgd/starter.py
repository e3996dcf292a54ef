"""Linear regression fitted by plain mini-batch SGD on the mean squared error."""

import torch
from torch import nn


def fit_linear(X: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, batch_size: int,
               seed: int) -> nn.Linear:
    """Fit ``nn.Linear(F, 1)`` (zero-initialised) to ``y ~ X`` with mini-batch SGD on MSE."""
    # TODO: build nn.Linear(F, 1) and set its weight and bias to zero
    # TODO: make y one-dimensional, (N,), so the prediction (B, 1) -> (B,) matches it
    # TODO: g = torch.Generator().manual_seed(seed), once, before the epochs
    # TODO: each epoch: perm = torch.randperm(N, generator=g); batches perm[i:i + batch_size]
    # TODO: per batch: mean squared error, zero the gradients, backward, one SGD step (lr)
    raise NotImplementedError
