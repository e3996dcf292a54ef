"""Reports the mean of the divided losses (loss / accum_steps), not of the batch losses."""

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
    # .grad may hold gradients from before the epoch; the first group must not see them.
    optimizer.zero_grad()
    total, n_batches = 0.0, 0
    for i, (x, y) in enumerate(loader):  # x: (B, ...), y: (B, ...)
        loss = loss_fn(model(x), y)  # () mean over this micro-batch
        # backward() adds into .grad: k losses scaled by 1/k sum to the mean over the group,
        # so the step below equals one step on a batch k times larger.
        loss = loss / accum_steps
        loss.backward()
        # .item() is a float with no graph attached; summing the tensor would keep every
        # batch's graph alive until the end of the epoch.
        total += loss.item()
        n_batches += 1
        if (i + 1) % accum_steps == 0:
            optimizer.step()
            optimizer.zero_grad()  # start the next group from zero
    return total / n_batches
