"""np.may_share_memory checks overlapping bytes: two rows of one tensor do not overlap."""

import numpy as np
import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)
    return tuple(reversed(strides))


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return bool(np.may_share_memory(a.detach().numpy(), b.detach().numpy()))
