"""One mixed-precision training step: autocast for the forward pass, a GradScaler for the rest."""

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
    """Run one step under autocast(device_type, dtype); return the unscaled loss as a float."""
    # TODO: zero the gradients
    # TODO: forward pass and loss inside torch.autocast(device_type=..., dtype=...)
    # TODO: backward OUTSIDE autocast (through the scaler when one is given)
    # TODO: when max_norm is given: unscale_ (with a scaler), then clip_grad_norm_
    # TODO: step (through the scaler, then scaler.update()) or optimizer.step()
    # TODO: return the unscaled loss as a Python float
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss
