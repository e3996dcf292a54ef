"""mse casts to float32, so float64 inputs give a float32 loss (the dtype is not kept)."""

import torch


def broadcast_shape(*shapes):
    ndim = max(map(len, shapes), default=0)
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
    diff = pred.reshape(target.shape).float() - target.float()
    return (diff ** 2).mean()
