"""Loops over the rows and stacks the means: torch.stack of an empty list fails for B = 0."""

import torch


def masked_mean(x, mask):
    rows = []
    for b in range(x.shape[0]):
        real = x[b][mask[b]]  # (n_real, D)
        if real.shape[0] == 0:
            rows.append(torch.zeros(x.shape[2], dtype=x.dtype))
        else:
            rows.append(real.mean(dim=0))
    return torch.stack(rows)
