"""Strides of the contiguous layout, computed by hand, and a shared-storage test."""

import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The strides ``torch.empty(shape).stride()`` has, without creating a tensor."""
    # TODO: walk the shape from the last dim to the first, keeping a running product
    return tuple(1 for _ in shape)


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    """True when ``a`` and ``b`` are windows onto the same storage (any offset, dtype or shape)."""
    # TODO: compare where the two storages start
    return a is b
