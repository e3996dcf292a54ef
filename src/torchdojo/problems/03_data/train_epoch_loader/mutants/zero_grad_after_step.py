"""Clears the gradients after each step instead of before each backward: the first step uses
whatever gradients the model arrived with (e.g. left over from an earlier backward)."""

import torch
from torch.utils.data import DataLoader, TensorDataset


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total, seen = 0.0, 0
    for x, y in loader:
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += loss.item() * x.shape[0]
        seen += x.shape[0]
    return total / seen


def make_regression_loader(n, batch_size, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 2 * x[:, 0:1] - x[:, 1:2] + 0.1 * torch.randn(n, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
