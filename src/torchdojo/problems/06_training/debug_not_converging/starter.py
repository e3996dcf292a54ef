"""Fine-tuning a classifier with a new head."""

# TODO: this code has 4 bugs; fix them. What users report:
#   - on data that a linear model separates perfectly, the loss stays high and hardly moves
#     from epoch to epoch; training accuracy is no better than guessing;
#   - the new head's weights after training are exactly the ones it started with.

import torch
from torch import nn


def fit(model: nn.Module, head: nn.Linear, x: torch.Tensor, y: torch.Tensor, epochs: int,
        batch_size: int, lr: float, seed: int) -> list[float]:
    """Replace ``model.fc`` by ``head`` and train the whole model with SGD on (x, y).

    x: (N, D) features, y: (N,) int64 class indices. Returns the loss of every batch.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    # new task, new classifier
    model.fc = head
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), batch_size):
            idx = perm[i:i + batch_size]
            xb, yb = x[idx], y[i:i + batch_size]
            probs = torch.softmax(model(xb), dim=1)
            loss = loss_fn(probs, yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
