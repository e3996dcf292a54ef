"""Sums only the real positions but divides by the padded length S."""

import torch


def masked_mean(x, mask):
    total = torch.where(mask.unsqueeze(-1), x, 0).sum(dim=1)
    return total / x.shape[1]
