"""Assumes the 0-dim operand is always the second one: swapping the arguments changes the answer."""

import torch


def _category(dtype: torch.dtype) -> int:
    if dtype == torch.bool:
        return 0
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
    if b.dim() == 0 and a.dim() > 0:
        if _category(b.dtype) > _category(a.dtype):
            return b.dtype
        return a.dtype
    return _promote(a.dtype, b.dtype)
