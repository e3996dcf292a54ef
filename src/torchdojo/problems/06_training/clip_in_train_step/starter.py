"""One training step with gradient clipping in the right place, optionally under a GradScaler."""

import torch
from torch import nn


def train_step(
    model: nn.Module,
    batch: tuple[torch.Tensor, torch.Tensor],
    loss_fn,
    optimizer: torch.optim.Optimizer,
    max_norm: float | None = None,
    clip_value: float | None = None,
    scaler: torch.amp.GradScaler | None = None,
) -> tuple[float, float]:
    """Run one step; return (loss, global L2 gradient norm before clipping) as Python floats."""
    # TODO: unpack batch into (x, y)
    # TODO: zero the gradients, forward, loss
    # TODO: backward (through the scaler when one is given) and unscale before clipping
    # TODO: measure the global norm, clip by norm (max_norm) and then by value (clip_value)
    # TODO: step (through the scaler when one is given) and update the scaler
    raise NotImplementedError
