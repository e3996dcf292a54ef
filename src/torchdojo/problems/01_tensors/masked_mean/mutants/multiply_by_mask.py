"""Zeroes the padding by multiplying with the mask: NaN * 0 is still NaN."""


def masked_mean(x, mask):
    m = mask.unsqueeze(-1).to(x.dtype)
    total = (x * m).sum(dim=1)
    return total / m.sum(dim=1).clamp_min(1)
