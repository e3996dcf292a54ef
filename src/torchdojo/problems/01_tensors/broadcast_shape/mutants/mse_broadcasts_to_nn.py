"""The S004-L8 debug item: (N, 1) - (N,) silently broadcasts to (N, N) before the mean."""


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


def mse(pred, target):
    return ((pred - target) ** 2).mean()
