"""Always takes the 'larger' dtype (category, then itemsize): uint8+int8 and float16+bfloat16 wrong."""

import torch


def _category(dtype: torch.dtype) -> int:
    if dtype == torch.bool:
        return 0
    return 2 if dtype.is_floating_point else 1


def _promote(x: torch.dtype, y: torch.dtype) -> torch.dtype:
    return max(x, y, key=lambda d: (_category(d), d.itemsize))


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    a_zero, b_zero = a.dim() == 0, b.dim() == 0
    if a_zero == b_zero:
        return _promote(a.dtype, b.dtype)
    dimmed, zero = (b, a) if a_zero else (a, b)
    if _category(zero.dtype) > _category(dimmed.dtype):
        return zero.dtype
    return dimmed.dtype
