"""Flattens with .view(B * S, ...): raises on a non-contiguous x or mask."""

import torch


def masked_mean(x, mask):
    b, s, d = x.shape
    flat = x.view(b * s, d)
    keep = mask.view(b * s, 1)
    total = torch.where(keep, flat, 0).view(b, s, d).sum(dim=1)
    count = mask.sum(dim=1, keepdim=True).clamp_min(1).to(x.dtype)
    return total / count
