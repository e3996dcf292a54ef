"""MUTANT: runs the blocks plainly: same values, but nothing is recomputed (no memory saved)."""

import torch
from torch import nn


def accumulate_step(
    model: nn.Module,
    micro_batches: list[tuple[torch.Tensor, torch.Tensor]],
    loss_fn,
    optimizer: torch.optim.Optimizer,
) -> float:
    """One optimizer step on the concatenation of micro_batches; returns its mean loss."""
    # Total number of samples N in the full batch.
    total = sum(x.shape[0] for x, _ in micro_batches)
    # Clear old gradients once: the micro-batches below must add up.
    optimizer.zero_grad()
    full_loss = 0.0
    for x, y in micro_batches:
        # loss_fn gives the mean over this micro-batch's n_i samples.
        loss = loss_fn(model(x), y)  # ()
        # Weight n_i / N: sum_i (n_i / N) * mean_i = mean over all N samples.
        (loss * (x.shape[0] / total)).backward()  # .grad += ...
        full_loss += loss.item() * x.shape[0] / total
    # A single update with the accumulated gradients.
    optimizer.step()
    return full_loss


def checkpointed_forward(blocks: nn.ModuleList, x: torch.Tensor) -> torch.Tensor:
    """Run the blocks in order, checkpointing each one (non-reentrant)."""
    for block in blocks:
        # Activations inside block are freed and recomputed in backward.
        x = block(x)
    return x
