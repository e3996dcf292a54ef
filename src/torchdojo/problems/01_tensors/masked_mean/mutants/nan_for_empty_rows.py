"""Divides by the raw count: a row with no real position gives 0 / 0 = NaN."""

import torch


def masked_mean(x, mask):
    total = torch.where(mask.unsqueeze(-1), x, 0).sum(dim=1)
    count = mask.sum(dim=1, keepdim=True).to(x.dtype)
    return total / count
