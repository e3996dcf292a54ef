"""Divides the summed loss by len(loader.dataset) instead of by the samples actually seen:
wrong as soon as drop_last=True skips some."""

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
        total += loss.item() * x.shape[0]
    return total / len(loader.dataset)


def make_regression_loader(n, batch_size, seed):
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    y = 2 * x[:, 0:1] - x[:, 1:2] + 0.1 * torch.randn(n, 1, generator=g)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
