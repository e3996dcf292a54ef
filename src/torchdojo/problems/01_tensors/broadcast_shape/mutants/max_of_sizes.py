"""Takes the largest size at each position and never checks compatibility."""


def broadcast_shape(*shapes):
    ndim = max(map(len, shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        offset = ndim - len(shape)
        for i, size in enumerate(shape):
            result[offset + i] = max(result[offset + i], size)
    return tuple(result)


def mse(pred, target):
    return ((pred.reshape(target.shape) - target) ** 2).mean()
