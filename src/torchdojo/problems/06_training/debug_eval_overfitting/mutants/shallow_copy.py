"""The seed's snapshot left in: state_dict().copy() is a new dict around the live tensors."""

import math

import torch
import torch.nn.functional as F
from torch import nn

MEAN, STD = 0.5, 0.25  # per-pixel normalisation of the images


def transform(x: torch.Tensor, train: bool,
              generator: torch.Generator | None = None) -> torch.Tensor:
    """Normalise images (B, C, H, W); when ``train``, also flip and jitter them at random."""
    x = (x - MEAN) / STD  # (B, C, H, W)
    if train:  # augmentation is for training only: validation must see the same input each time
        flip = torch.rand(x.shape[0], generator=generator) < 0.5  # (B,)
        x = torch.where(flip[:, None, None, None], x.flip(-1), x)  # horizontal flip
        x = x + 0.1 * torch.randn(x.shape, generator=generator)  # pixel noise
    return x


class EarlyStopping:
    """Stop after ``patience`` epochs in a row without a lower validation loss."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best = math.inf
        self.best_epoch = -1
        self.best_state: dict | None = None
        self.epoch = -1
        self.bad_epochs = 0

    def step(self, val_loss: float, model: nn.Module) -> bool:
        """Record one epoch; True when training should stop."""
        self.epoch += 1
        if val_loss < self.best:
            self.best, self.best_epoch, self.bad_epochs = val_loss, self.epoch, 0
            # state_dict() holds the live tensors, which optimizer.step() and batch norm change
            # in place: deep-copy them (parameters and buffers).
            self.best_state = model.state_dict().copy()
            return False
        self.bad_epochs += 1
        return self.bad_epochs >= self.patience

    def restore(self, model: nn.Module) -> None:
        """Load the best epoch's parameters and buffers into ``model``."""
        model.load_state_dict(self.best_state)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on (x, y), in eval mode, without a graph."""
    model.eval()  # dropout off, batch norm uses (and does not update) its running statistics
    with torch.no_grad():  # no graph: nothing here is backpropagated
        logits = model(x)  # (B, K)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(dim=1) == y).float().mean().item()
    return loss, acc


def fit(model: nn.Module, train_x: torch.Tensor, train_y: torch.Tensor, val_x: torch.Tensor,
        val_y: torch.Tensor, max_epochs: int, patience: int, lr: float,
        seed: int) -> list[float]:
    """Full-batch training with early stopping; returns the validation loss of every epoch.

    On return the model holds the weights of its best epoch.
    """
    g = torch.Generator().manual_seed(seed)  # the augmentation's random numbers
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    stopper = EarlyStopping(patience)
    val_in = transform(val_x, train=False)  # fixed: the same validation input every epoch
    history = []
    for _ in range(max_epochs):
        model.train()  # evaluate() left the model in eval mode
        optimizer.zero_grad()
        loss = F.cross_entropy(model(transform(train_x, train=True, generator=g)), train_y)
        loss.backward()
        optimizer.step()
        val_loss, _ = evaluate(model, val_in, val_y)
        history.append(val_loss)
        if stopper.step(val_loss, model):
            break
    stopper.restore(model)
    return history
