"""Zeroes the padding in place: right values, but the caller's x is overwritten."""


def masked_mean(x, mask):
    x.masked_fill_(~mask.unsqueeze(-1), 0)
    count = mask.sum(dim=1, keepdim=True).clamp_min(1).to(x.dtype)
    return x.sum(dim=1) / count
