"""mse takes pred[:, 0], which only works for an (N, 1) pred and fails on an (N,) one."""

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
    return ((pred[:, 0] - target) ** 2).mean()
