"""A double Python loop: right values, but not vectorised (rejected by the no-loop check)."""

import torch


def pairwise_sq_dists(x, y):
    out = torch.empty(x.shape[0], y.shape[0], dtype=x.dtype)
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = ((x[i] - y[j]) ** 2).sum()
    return out
