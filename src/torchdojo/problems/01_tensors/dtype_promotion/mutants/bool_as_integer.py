"""Ranks bool as an integer (forgets its own category): a 0-dim int64 no longer lifts bool data."""

import torch


def _category(dtype: torch.dtype) -> int:
    return 2 if dtype.is_floating_point else 1


def _promote(x: torch.dtype, y: torch.dtype) -> torch.dtype:
    if x == y:
        return x
    cx, cy = _category(x), _category(y)
    if cx != cy:
        return x if cx > cy else y
    if cx == 2:
        if x.itemsize == y.itemsize:
            return torch.float32
        return x if x.itemsize > y.itemsize else y
    if x.is_signed == y.is_signed:
        return x if x.itemsize > y.itemsize else y
    signed, unsigned = (x, y) if x.is_signed else (y, x)
    if signed.itemsize > unsigned.itemsize:
        return signed
    return torch.int16


def result_dtype(a: torch.Tensor, b: torch.Tensor) -> torch.dtype:
    a_zero, b_zero = a.dim() == 0, b.dim() == 0
    if a_zero == b_zero:
        return _promote(a.dtype, b.dtype)
    dimmed, zero = (b, a) if a_zero else (a, b)
    if _category(zero.dtype) > _category(dimmed.dtype):
        return zero.dtype
    return dimmed.dtype

