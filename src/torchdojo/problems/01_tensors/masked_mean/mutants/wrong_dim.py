"""Reduces over the feature dim instead of the sequence dim."""

import torch


def masked_mean(x, mask):
    total = torch.where(mask.unsqueeze(-1), x, 0).sum(dim=-1)
    count = mask.sum(dim=-1, keepdim=True).clamp_min(1).to(x.dtype)
    return total / count
