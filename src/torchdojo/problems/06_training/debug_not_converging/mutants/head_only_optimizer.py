"""Wrong fix: the optimizer gets only the new head, so the backbone is frozen."""

import torch
from torch import nn


def fit(model: nn.Module, head: nn.Linear, x: torch.Tensor, y: torch.Tensor, epochs: int,
        batch_size: int, lr: float, seed: int) -> list[float]:
    """Replace ``model.fc`` by ``head`` and train the whole model with SGD on (x, y).

    x: (N, D) features, y: (N,) int64 class indices. Returns the loss of every batch.
    """
    # Swap the head in first: the optimizer takes the parameters the model has *now*.
    model.fc = head
    optimizer = torch.optim.SGD(head.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()  # expects raw logits
    g = torch.Generator().manual_seed(seed)
    model.train()
    losses = []
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=g)  # (N,) a new order every epoch
        for i in range(0, len(x), batch_size):
            idx = perm[i:i + batch_size]  # (B,)
            # The same indices for features and labels keep every pair together.
            xb, yb = x[idx], y[idx]  # (B, D), (B,)
            optimizer.zero_grad()  # backward() adds into .grad
            logits = model(xb)  # (B, C), no softmax: the loss does log_softmax
            loss = loss_fn(logits, yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return losses
