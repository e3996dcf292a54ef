"""Strides from np.cumprod: right numbers, but NumPy int64 scalars instead of Python ints."""

import numpy as np
import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    if len(shape) == 0:
        return ()
    sizes = [max(s, 1) for s in shape[:0:-1]]  # sizes right of each dim, last dim first
    steps = np.cumprod([1] + sizes)  # (len(shape),) np.int64
    return tuple(steps[::-1])


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
