"""Weight-decay parameter groups for AdamW, and changing the learning rate by hand."""

import torch
from torch import nn


def make_param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """``[decayed group, non-decayed group]`` over the trainable parameters, each exactly once."""
    # TODO: biases (a parameter registered as `bias` on any module) and every parameter of a
    #       normalisation layer go to the non-decayed group; everything else is decayed
    # TODO: each trainable parameter exactly once (tied weights!), frozen ones nowhere
    return [{"params": list(model.parameters()), "weight_decay": weight_decay}]


def set_lr(optimizer: torch.optim.Optimizer, lr: float) -> None:
    """Set the learning rate of every parameter group, in place."""
    # TODO: change the optimizer's groups, not a copy
    raise NotImplementedError


def scale_lr(optimizer: torch.optim.Optimizer, factor: float) -> None:
    """Multiply every group's learning rate by ``factor``, in place."""
    # TODO: every group, each by the same factor
    raise NotImplementedError
