"""Treats a size-0 dim like a size-1 dim (stretchable), so (0,) with (3,) gives (3,)."""


def broadcast_shape(*shapes):
    ndim = max(map(len, shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            current = result[offset + i]
            if current in (0, 1):
                result[offset + i] = size
            elif size not in (0, 1) and size != current:
                raise ValueError(f"not broadcastable: {shapes}")
    return tuple(result)


def mse(pred, target):
    return ((pred.reshape(target.shape) - target) ** 2).mean()
