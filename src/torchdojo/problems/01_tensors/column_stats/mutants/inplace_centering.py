"""Centres x in place (x -= mean) to compute the std by hand: the caller's tensor is changed."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    n = x.shape[0]
    mean = x.mean(dim=0)
    x -= mean
    var = (x * x).sum(dim=0) / (n - 1 if unbiased else n)
    return mean, var.sqrt()
