"""Work out the dtype of ``a + b`` from PyTorch's promotion rules, without asking torch."""

import torch


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    """The dtype of ``a + b`` (what torch.result_type(a, b) returns)."""
    # TODO: rank the categories (bool < integer < floating) and promote within a category
    # TODO: a 0-dim tensor only wins over a tensor with dims when its category is higher
    return a.dtype
