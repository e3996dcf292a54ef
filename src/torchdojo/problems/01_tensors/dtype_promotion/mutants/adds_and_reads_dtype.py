"""Computes a + b and reads its dtype: fails when the shapes do not broadcast (and does the work)."""

import torch


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    return (a + b).dtype
