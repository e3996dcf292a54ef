"""Clamps at an epsilon (as before a sqrt) instead of 0: a zero distance comes back as 1e-6."""


def pairwise_sq_dists(x, y):
    x2 = (x * x).sum(dim=-1, keepdim=True)
    y2 = (y * y).sum(dim=-1)
    return (x2 - 2 * x @ y.mT + y2).clamp_min(1e-6)
