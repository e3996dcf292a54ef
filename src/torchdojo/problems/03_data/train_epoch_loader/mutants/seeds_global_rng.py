"""Draws the data after torch.manual_seed(seed) from the global RNG: reproducible, but building a
loader resets the caller's global random state (and the data is not from a generator of its own)."""

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
    torch.manual_seed(seed)
    x = torch.randn(n, 2)
    y = 2 * x[:, 0:1] - x[:, 1:2] + 0.1 * torch.randn(n, 1)
    g = torch.Generator()
    g.manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
