"""Weights every batch by loader.batch_size and divides by batch_size * len(loader): as if every
batch were full, so a short last batch is over-weighted and the count of samples is too big."""

import torch
from torch.utils.data import DataLoader, TensorDataset


def train_epoch(model, loader, loss_fn, optimizer):
    model.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * loader.batch_size
    return total / (loader.batch_size * len(loader))


def make_regression_loader(n, batch_size, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 2 * x[:, 0:1] - x[:, 1:2] + 0.1 * torch.randn(n, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
