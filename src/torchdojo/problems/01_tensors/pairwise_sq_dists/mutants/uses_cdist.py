"""Calls torch.cdist, the very function the result is checked against (not allowed)."""

import torch


def pairwise_sq_dists(x, y):
    return torch.cdist(x, y) ** 2
