"""Returns the (M, N) matrix: rows indexed by y instead of x."""


def pairwise_sq_dists(x, y):
    y2 = (y * y).sum(dim=-1, keepdim=True)
    x2 = (x * x).sum(dim=-1)
    return (y2 - 2 * y @ x.mT + x2).clamp_min(0)
