"""nansum over x * mask: hides the padding's NaN and inf, but also a NaN at a real position."""

import torch


def masked_mean(x, mask):
    m = mask.unsqueeze(-1).to(x.dtype)
    total = torch.nansum(x * m, dim=1)
    count = m.sum(dim=1).clamp_min(1)
    return total / count
