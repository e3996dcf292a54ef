"""Hides torch.promote_types behind getattr, and so also ignores the 0-dim rule."""

import torch


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    fn = getattr(torch, "promote_types")  # noqa: B009
    return fn(a.dtype, b.dtype)
