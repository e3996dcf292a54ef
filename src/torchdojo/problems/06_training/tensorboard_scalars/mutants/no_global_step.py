"""MUTANT: never passes global_step, so every event has step 0."""

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.tensorboard import SummaryWriter


def log_run(
    log_dir: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    train_data: tuple[torch.Tensor, torch.Tensor],
    val_data: tuple[torch.Tensor, torch.Tensor],
    epochs: int,
) -> None:
    """Train full-batch for ``epochs`` epochs, logging losses, lr and weight histograms."""
    x, y = train_data
    x_val, y_val = val_data
    # the context manager closes the writer (flush + stop its thread), even on an exception
    with SummaryWriter(log_dir) as writer:
        for _epoch in range(epochs):
            # 1. one full-batch training step
            model.train()
            optimizer.zero_grad()
            train_loss = F.mse_loss(model(x), y)  # ()
            train_loss.backward()
            optimizer.step()

            # 2. the lr that step used; read it before the scheduler moves to the next one
            lr = optimizer.param_groups[0]["lr"]
            scheduler.step()

            # 3. validation loss of the updated model: eval mode, no graph
            model.eval()
            with torch.no_grad():
                val_loss = F.mse_loss(model(x_val), y_val)  # ()

            # 4. scalars as Python floats
            writer.add_scalar("loss/train", train_loss.item())
            writer.add_scalar("loss/val", val_loss.item())
            writer.add_scalar("lr", lr)

            # 5. one histogram of every parameter's values after the update
            for name, param in model.named_parameters():
                writer.add_histogram(f"weights/{name}", param.detach())
