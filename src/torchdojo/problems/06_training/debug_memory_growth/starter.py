"""One training epoch with gradient accumulation."""

# TODO: this code has 3 bugs; fix them. What users report:
#   - memory use grows with every batch and is only released when the epoch ends, and the
#     returned value prints as `tensor(0.7312, grad_fn=<DivBackward0>)` instead of a number;
#   - batches of 8 with accum_steps=4 should train exactly like batches of 32, but the
#     parameters after an epoch come out different.

from collections.abc import Callable, Iterable

import torch
from torch import nn


def train_epoch(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    accum_steps: int,
) -> float:
    """One pass over ``loader``, one optimizer step per ``accum_steps`` batches.

    Returns the mean of the per-batch losses as a Python float.
    """
    model.train()
    total_loss = 0
    for i, (x, y) in enumerate(loader):
        # clear the old gradients
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        total_loss += loss
        # update once every accum_steps batches
        if (i + 1) % accum_steps == 0:
            optimizer.step()
    return total_loss / len(loader)
