"""Off by one: multiplies in the dim's own size, so the last stride is shape[-1], not 1."""

import math

import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(math.prod(shape[i:]) for i in range(len(shape)))


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
