"""Forgets the factor 2 of the cross term: ||x||^2 - x.y + ||y||^2."""


def pairwise_sq_dists(x, y):
    x2 = (x * x).sum(dim=-1, keepdim=True)
    y2 = (y * y).sum(dim=-1)
    return (x2 - x @ y.mT + y2).clamp_min(0)
