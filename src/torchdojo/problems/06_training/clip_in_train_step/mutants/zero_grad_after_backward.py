"""MUTANT: calls zero_grad after backward, wiping this batch's gradients before the step."""

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
    x, y = batch
    # 1. Forget the gradients of the previous step.
    # 2. Forward and loss (unscaled).
    loss = loss_fn(model(x), y)  # ()
    # 3. Backward; under a scaler the loss is multiplied by the scale first.
    if scaler is not None:
        scaler.scale(loss).backward()
        # Divide the gradients by the scale now, so clipping sees their real size.
        scaler.unscale_(optimizer)
    else:
        loss.backward()
    optimizer.zero_grad()
    params = [p for p in model.parameters() if p.grad is not None]
    # 4. Clip: norm first (it returns the norm measured before clipping), then value.
    if max_norm is not None:
        total = nn.utils.clip_grad_norm_(params, max_norm)
    else:
        total = nn.utils.get_total_norm([p.grad for p in params])
    if clip_value is not None:
        nn.utils.clip_grad_value_(params, clip_value)
    # 5. Update; the scaler skips the step if the gradients hold inf/NaN, then adjusts its scale.
    if scaler is not None:
        scaler.step(optimizer)
        scaler.update()
    else:
        optimizer.step()
    return loss.item(), float(total)
