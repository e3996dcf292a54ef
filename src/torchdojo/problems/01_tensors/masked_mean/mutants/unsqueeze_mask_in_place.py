"""mask.unsqueeze_(-1) reshapes the caller's mask in place: it comes back as (B, S, 1)."""

import torch


def masked_mean(x, mask):
    mask.unsqueeze_(-1)  # (B, S, 1), but this is the caller's tensor
    total = torch.where(mask, x, 0).sum(dim=1)
    count = mask.sum(dim=1).clamp_min(1).to(x.dtype)
    return total / count
