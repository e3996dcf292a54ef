"""Log a small training run to TensorBoard with ``torch.utils.tensorboard.SummaryWriter``."""

import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter  # noqa: F401


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
    # TODO: open ONE SummaryWriter(log_dir) for the whole run, and close it at the end
    # TODO: each epoch: model.train(), zero_grad, MSE on train_data, backward, optimizer.step()
    # TODO: read the lr this step used, then scheduler.step()
    # TODO: validation MSE of the updated model in eval mode, without gradients
    # TODO: scalars "loss/train", "loss/val", "lr" and histograms "weights/<name>",
    #       all with global_step=epoch
    raise NotImplementedError
