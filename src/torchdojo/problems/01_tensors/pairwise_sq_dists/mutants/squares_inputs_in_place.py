"""Squares x and y in place to save memory: right result, but the caller's inputs are changed."""


def pairwise_sq_dists(x, y):
    xy = x @ y.mT
    x2 = x.pow_(2).sum(dim=-1, keepdim=True)
    y2 = y.pow_(2).sum(dim=-1)
    return (x2 - 2 * xy + y2).clamp_min(0)
