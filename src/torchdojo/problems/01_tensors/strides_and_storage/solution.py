"""Strides of the contiguous layout, computed by hand, and a shared-storage test.

A tensor is a window onto a flat storage: element (i0, i1, ...) lives at
    storage_offset + i0 * stride[0] + i1 * stride[1] + ...   (in elements)
In the contiguous (row-major) layout the last dim has stride 1 and every other stride is the
product of the sizes to its right; torch counts a size-0 dim as 1 in that product.
"""

import torch


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The strides ``torch.empty(shape).stride()`` has, without creating a tensor."""
    strides: list[int] = []
    step = 1  # the stride of the last dim
    # walk from the last dim to the first, multiplying the sizes seen so far
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)  # a size-0 dim counts as 1 (torch's convention)
    # the walk went backwards: restore dim order; () gives ()
    return tuple(reversed(strides))


def shares_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    """True when ``a`` and ``b`` are windows onto the same storage (any offset, dtype or shape)."""
    # a.data_ptr() is the address of a's first element (it includes the storage offset);
    # the untyped storage's data_ptr() is the start of the whole memory block.
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
