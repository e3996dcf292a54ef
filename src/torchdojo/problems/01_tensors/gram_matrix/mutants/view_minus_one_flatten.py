"""Flattens the batch dims with .view(-1, n, m) to use bmm: -1 cannot be inferred for an empty input."""

import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    n, m = a.shape[-2:]
    flat = a.view(-1, n, m)  # (B, n, m)
    g = torch.bmm(flat, flat.mT)  # (B, n, n)
    return g.view(*a.shape[:-2], n, n)
