"""Uses max() without a default, so broadcast_shape() with no shapes crashes instead of ()."""

import torch


def broadcast_shape(*shapes):
    ndim = max(len(s) for s in shapes)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            current = result[offset + i]
            if current == 1:
                result[offset + i] = size
            elif size != 1 and size != current:
                raise ValueError(f"not broadcastable: {shapes}")
    return tuple(result)


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((pred.reshape(target.shape) - target) ** 2).mean()
