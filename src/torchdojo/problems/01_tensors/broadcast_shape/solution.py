"""Broadcasting rules by hand, and a mean squared error that does not broadcast by accident.

Broadcasting aligns shapes on the right; missing leading dims count as 1. At each position the
sizes must be equal or one of them 1, and the result takes the other one (0 is a size like any
other: 0 with 1 gives 0, 0 with 3 is an error).
"""

import torch


def broadcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """The shape that tensors of ``shapes`` broadcast to; ValueError if they are incompatible."""
    # the result has as many dims as the longest shape; start from all 1s
    ndim = max(map(len, shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        # right-align: shape[i] sits at position offset + i of the result
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            current = result[offset + i]
            if current == 1:
                # 1 stretches to any size (including 0)
                result[offset + i] = size
            elif size != 1 and size != current:
                raise ValueError(f"shapes {shapes} are not broadcastable: "
                                 f"size {size} vs {current} at dim {offset + i - ndim}")
    return tuple(result)


def mse(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error of predictions ``pred`` (N, 1) or (N,) against ``target`` (N,)."""
    # give pred the target's shape first: (N, 1) - (N,) would broadcast to (N, N)
    pred = pred.reshape(target.shape)  # (N,)
    # elementwise squared error, averaged to a scalar
    return ((pred - target) ** 2).mean()  # ()
