"""MUTANT: scales the loss and unscales the gradients itself, then calls optimizer.step() directly: a step with inf/NaN gradients is applied."""

import torch
from torch import nn


def amp_train_step(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn,
    optimizer: torch.optim.Optimizer,
    scaler: torch.amp.GradScaler | None = None,
    max_norm: float | None = None,
    device_type: str = "cpu",
    dtype: torch.dtype = torch.bfloat16,
) -> float:
    """Run one step under autocast; return the unscaled loss as a float."""
    optimizer.zero_grad()
    with torch.autocast(device_type=device_type, dtype=dtype):
        loss = loss_fn(model(x), y)
    if scaler is not None:
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
    else:
        loss.backward()
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    optimizer.step()
    if scaler is not None:
        scaler.update()
    return loss.item()
