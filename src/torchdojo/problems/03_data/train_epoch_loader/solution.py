"""One epoch of minibatch training over a DataLoader, and a loader of synthetic regression data.

The loop is the same for every supervised model: for each batch, clear the old gradients,
run the model, compute the loss, backpropagate, update. The epoch's loss is averaged over
samples, so a short last batch counts for exactly as many samples as it holds.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def train_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module,
                optimizer: torch.optim.Optimizer) -> float:
    """Train ``model`` for one pass over ``loader``; return the sample-weighted mean loss."""
    model.train()  # dropout / batch norm in training behaviour
    total, seen = 0.0, 0
    for x, y in loader:  # x: (B, F), y: (B, 1)
        optimizer.zero_grad()  # gradients accumulate unless cleared
        pred = model(x)  # (B, 1)
        loss = loss_fn(pred, y)  # mean over the B samples of this batch
        loss.backward()  # fills .grad of every parameter
        optimizer.step()  # uses those gradients
        # Undo the batch mean: the last batch may be smaller than the others.
        b = x.shape[0]
        total += loss.item() * b
        seen += b
    return total / seen


def make_regression_loader(n: int, batch_size: int, seed: int) -> DataLoader:
    """Shuffled batches of (x, y) with x ~ N(0, I_2) and y = 2*x1 - x2 + 0.1*noise."""
    g = torch.Generator()
    g.manual_seed(seed)
    x = torch.randn(n, 2, generator=g)  # (N, 2)
    noise = 0.1 * torch.randn(n, 1, generator=g)  # (N, 1)
    # Slicing with 0:1 and 1:2 keeps the column axis: y is (N, 1), like the model's output.
    y = 2 * x[:, 0:1] - x[:, 1:2] + noise  # (N, 1)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=g)
