"""Counts without keepdim: (B, D) / (B,) broadcasts along D, so rows get other rows' counts."""

import torch


def masked_mean(x, mask):
    total = torch.where(mask.unsqueeze(-1), x, 0).sum(dim=1)  # (B, D)
    count = mask.sum(dim=1).clamp_min(1).to(x.dtype)  # (B,)
    return total / count
