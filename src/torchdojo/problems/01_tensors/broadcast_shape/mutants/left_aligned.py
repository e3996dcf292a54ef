"""Aligns shapes on the left (pads the shorter one with 1s on the right)."""


def broadcast_shape(*shapes):
    ndim = max(map(len, shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(shape):
            current = result[i]
            if current == 1:
                result[i] = size
            elif size != 1 and size != current:
                raise ValueError(f"not broadcastable: {shapes}")
    return tuple(result)


def mse(pred, target):
    return ((pred.reshape(target.shape) - target) ** 2).mean()
