"""The expansion without clamping: rounding leaves small negative 'squared distances'."""


def pairwise_sq_dists(x, y):
    x2 = (x * x).sum(dim=-1, keepdim=True)
    y2 = (y * y).sum(dim=-1)
    return x2 - 2 * x @ y.mT + y2
