"""Broadcasting rules by hand, and a mean squared error that does not broadcast by accident."""

import torch


def broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape that tensors of ``shapes`` broadcast to; ValueError if they are incompatible."""
    # TODO: align the shapes on the right, pad the shorter ones with 1s on the left
    # TODO: combine sizes position by position; raise ValueError when they are incompatible
    raise NotImplementedError


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of predictions ``pred`` (N, 1) or (N,) against ``target`` (N,)."""
    # TODO: make sure pred and target have the same shape before subtracting
    return ((pred - target) ** 2).mean()
