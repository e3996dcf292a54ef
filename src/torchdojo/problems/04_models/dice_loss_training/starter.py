"""Soft Dice loss for multi-class segmentation, and a small training loop that uses it."""

import torch
import torch.nn.functional as F  # noqa: F401  (you will need it)
from torch import nn


def dice_loss(logits: torch.Tensor, target: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 - soft Dice, per (sample, class), averaged; a 0-d tensor with a gradient.

    logits: (N, C, H, W) raw scores; target: (N, H, W) int64 class indices.
    """
    # TODO: class probabilities: softmax over the class axis          -> (N, C, H, W)
    # TODO: one-hot target laid out like the probabilities            -> (N, C, H, W)
    # TODO: per (sample, class): sums over the pixels; Dice with eps   -> (N, C)
    # TODO: return 1 - the mean Dice
    raise NotImplementedError


def train_segmenter(model: nn.Module, images: torch.Tensor, masks: torch.Tensor, steps: int,
                    lr: float) -> list[float]:
    """Full-batch Adam on cross-entropy + Dice; the loss of every step as a Python float."""
    # TODO: training mode, an Adam optimizer with lr
    # TODO: each step: clear gradients, forward, CE + Dice, backward, optimizer step
    # TODO: keep each step's loss as a Python float
    raise NotImplementedError
