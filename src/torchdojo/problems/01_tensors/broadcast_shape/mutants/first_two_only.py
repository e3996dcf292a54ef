"""Only combines the first two shapes; a third (or later) shape is ignored."""

import torch


def _pair(a, b):
    ndim = max(len(a), len(b))
    a = (1,) * (ndim - len(a)) + tuple(a)
    b = (1,) * (ndim - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b, strict=True):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ValueError(f"not broadcastable: {a} and {b}")
    return tuple(out)


def broadcast_shape(*shapes):
    if not shapes:
        return ()
    if len(shapes) == 1:
        return tuple(shapes[0])
    return _pair(shapes[0], shapes[1])


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return ((pred.reshape(target.shape) - target) ** 2).mean()
