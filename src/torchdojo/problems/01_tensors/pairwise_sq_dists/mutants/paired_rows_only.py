"""Subtracts row i of y from row i of x (paired distances): (N,) instead of all (N, M) pairs."""


def pairwise_sq_dists(x, y):
    return ((x - y) ** 2).sum(dim=-1)
