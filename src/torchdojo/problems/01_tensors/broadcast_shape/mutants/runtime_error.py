"""Right shapes, but raises RuntimeError (what torch raises) instead of the asked ValueError."""


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
                raise RuntimeError(f"not broadcastable: {shapes}")
    return tuple(result)


def mse(pred, target):
    return ((pred.reshape(target.shape) - target) ** 2).mean()
