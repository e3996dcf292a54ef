"""Accumulates loss.detach() * B instead of loss.item() * B: the right number, but returned as a
0-d tensor instead of a Python float."""

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
        total = total + loss.detach() * x.shape[0]
        seen += x.shape[0]
    return total / seen


def make_regression_loader(n, batch_size, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 2 * x[:, 0:1] - x[:, 1:2] + 0.1 * torch.randn(n, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
