"""Asks autograd's view tracking (._base) instead of the storage: misses siblings and detach()."""

import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a is b or a._base is b or b._base is a
