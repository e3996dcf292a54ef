"""Never clears the gradients: every step uses the sum of all gradients so far."""

import torch
import torch.nn.functional as F
from torch import nn


def fit_linear(X: torch.Tensor, y: torch.Tensor, lr: float, epochs: int, batch_size: int,
               seed: int) -> nn.Linear:
    """Fit ``nn.Linear(F, 1)`` (zero-initialised) to ``y ~ X`` with mini-batch SGD on MSE."""
    n, f = X.shape  # (N, F)
    y = y.reshape(n)  # (N,) whether it came as (N,) or (N, 1)
    # the model starts at zero: weight (1, F), bias (1,)
    model = nn.Linear(f, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    # one generator for the whole run: a new permutation each epoch
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)  # (N,)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]  # (B,), the last one may be shorter
            pred = model(X[idx]).squeeze(1)  # (B, 1) -> (B,)
            loss = F.mse_loss(pred, y[idx])  # mean over the batch
            loss.backward()
            opt.step()
    return model
