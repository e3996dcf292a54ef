"""Calls zero_grad() between backward() and step(): the gradients are wiped before the
optimizer reads them."""

import torch
from torch import nn
from torch.utils.data import DataLoader


def train_one_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module,
                    optimizer: torch.optim.Optimizer) -> float:
    """One pass over ``loader`` in training mode; the sample-weighted mean loss."""
    model.train()  # left in training mode
    total, seen = 0.0, 0
    for x, y in loader:  # x: (B, ...), y: (B,)
        loss = loss_fn(model(x), y)  # mean over the batch
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        # .item() gives a float and lets the graph go; weight by the batch size
        total += loss.item() * x.shape[0]
        seen += x.shape[0]
    return total / seen


def evaluate(model: nn.Module, loader: DataLoader, loss_fn: nn.Module) -> tuple[float, float]:
    """Mean loss and accuracy over ``loader`` in eval mode, without building a graph."""
    model.eval()  # left in eval mode
    total, correct, seen = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            logits = model(x)  # (B, C)
            total += loss_fn(logits, y).item() * x.shape[0]
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += x.shape[0]
    return total / seen, correct / seen
