"""Work out the dtype of ``a + b`` from PyTorch's promotion rules, without asking torch.

1. Categories rank bool < integer < floating. Within a category, pick the smallest dtype that
   holds both (uint8 with int8 needs int16; float16 with bfloat16 needs float32).
2. Operands have priorities: tensors with dims > 0-dim tensors. A 0-dim tensor changes the result
   only when its category is higher than the dimensioned tensor's; then its dtype is used.
"""

import torch


def _category(dtype: torch.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floating point."""
    if dtype == torch.bool:
        return 0
    return 2 if dtype.is_floating_point else 1


def _promote(x: torch.dtype, y: torch.dtype) -> torch.dtype:
    """The smallest dtype that can hold values of both x and y (same-priority operands)."""
    if x == y:
        return x
    cx, cy = _category(x), _category(y)
    # different categories: the higher category wins and keeps its own dtype
    if cx != cy:
        return x if cx > cy else y
    if cx == 2:
        # float16 and bfloat16 have the same size but neither holds the other
        if x.itemsize == y.itemsize:
            return torch.float32
        return x if x.itemsize > y.itemsize else y
    # integers of the same signedness: the wider one
    if x.is_signed == y.is_signed:
        return x if x.itemsize > y.itemsize else y
    # signed with unsigned: the signed one if it is wider, else the next signed size up
    signed, unsigned = (x, y) if x.is_signed else (y, x)
    if signed.itemsize > unsigned.itemsize:
        return signed
    return torch.int16  # only uint8 is unsigned here, so this is uint8 with int8


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    """The dtype of ``a + b`` (what torch.result_type(a, b) returns)."""
    a_zero, b_zero = a.dim() == 0, b.dim() == 0
    # same priority (both 0-dim or both with dims): plain promotion
    if a_zero == b_zero:
        return _promote(a.dtype, b.dtype)
    dimmed, zero = (b, a) if a_zero else (a, b)
    # a 0-dim tensor only counts when its category is higher: then its dtype wins
    if _category(zero.dtype) > _category(dimmed.dtype):
        return zero.dtype
    return dimmed.dtype
