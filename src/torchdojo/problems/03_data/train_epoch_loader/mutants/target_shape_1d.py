"""Seed bug (S003-C4): the target y has shape (N,) while Linear(2, 1) outputs (B, 1). MSELoss
broadcasts (B, 1) against (B,) to (B, B) (with a UserWarning) and fits the mean of all targets,
so the coefficients are never learned."""

import torch
from torch.utils.data import DataLoader, TensorDataset


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * x.shape[0]
        seen += x.shape[0]
    return total / seen


def make_regression_loader(n, batch_size, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 2 * x[:, 0] - x[:, 1] + 0.1 * torch.randn(n, generator=g)  # (N,)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
