"""Casts to float32 for speed: float64 inputs come back as float32 and lose precision."""


def pairwise_sq_dists(x, y):
    x, y = x.float(), y.float()
    x2 = (x * x).sum(dim=-1, keepdim=True)
    y2 = (y * y).sum(dim=-1)
    return (x2 - 2 * x @ y.mT + y2).clamp_min(0)
