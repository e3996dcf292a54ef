"""One mixed-precision training step: autocast for the forward pass, a GradScaler for the rest.

    zero_grad -> [autocast: forward, loss] -> scale(loss).backward() -> unscale_ -> clip
              -> scaler.step -> scaler.update

Only the forward pass and the loss run under autocast: eligible ops (Linear, matmul, conv) compute
in the low-precision dtype, while the parameters, their gradients and the optimizer state stay
float32. Backward and the optimizer step run outside the autocast region.
"""

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
    # 1. Forget the previous step's gradients.
    optimizer.zero_grad()
    # 2. Forward and loss under autocast: Linear outputs come out in `dtype`, the loss
    #    (an autocast float32 op such as mse_loss / cross_entropy) in float32.
    with torch.autocast(device_type=device_type, dtype=dtype):
        out = model(x)  # (B, C) in `dtype`
        loss = loss_fn(out, y)  # ()
    # 3. Backward outside autocast; with a scaler, on the loss multiplied by the scale.
    if scaler is not None:
        scaler.scale(loss).backward()
    else:
        loss.backward()
    # 4. Clip the true gradients: divide the scale out first (unscale_ also records inf/NaN).
    if max_norm is not None:
        if scaler is not None:
            scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    # 5. Step: the scaler skips it if any gradient is inf/NaN, then adapts its scale.
    if scaler is not None:
        scaler.step(optimizer)
        scaler.update()
    else:
        optimizer.step()
    return loss.item()
