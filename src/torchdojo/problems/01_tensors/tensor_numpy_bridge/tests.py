"""Probes for tensor_numpy_bridge: values, dtypes, and who shares memory with whom."""

import numpy as np
import torch

from torchdojo.probes import probe


@probe(public=True)
def values_and_dtype(m):
    "to_numpy of a seeded 3x4 float32 tensor returns an array with the same values"
    t = torch.randn(3, 4)
    return m.to_numpy(t)


@probe(public=True)
def requires_grad_tensor(m):
    "to_numpy works on a tensor with requires_grad=True"
    t = torch.randn(5, requires_grad=True)
    return m.to_numpy(t)


@probe
def to_numpy_shares_memory(m):
    "a write into the tensor after to_numpy shows in the array"
    t = torch.zeros(4)
    a = m.to_numpy(t)
    t[1] = 7.0
    return a


@probe
def from_numpy_shares_both_ways(m):
    "from_numpy_shared: writes through the array and through the tensor are visible in both"
    a = np.arange(6, dtype=np.float64)
    t = m.from_numpy_shared(a)
    a[1] = 100.0
    seen_by_tensor = t.clone()
    t[2] = -1.0
    return {"tensor": seen_by_tensor, "array": a.copy()}


@probe
def from_numpy_keeps_dtype_and_shape(m):
    "from_numpy_shared keeps dtype and shape (int32 2x3)"
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    return m.from_numpy_shared(a)


@probe
def copy_is_independent(m):
    "copy_from_numpy: later writes to the array do not reach the tensor; dtype kept"
    a = np.arange(5, dtype=np.int64)
    t = m.copy_from_numpy(a)
    a[0] = 99
    return t


@probe
def copy_keeps_every_dtype(m):
    "copy_from_numpy keeps the array's dtype: float64, int32, uint8, bool and float16"
    dtypes = (np.float64, np.int32, np.uint8, np.bool_, np.float16)
    return {np.dtype(d).name: m.copy_from_numpy(np.arange(4).astype(d)) for d in dtypes}


@probe
def to_numpy_leaves_tensor_alone(m):
    "after to_numpy, a tensor that required grad still requires grad and holds the same values"
    t = torch.randn(3, requires_grad=True)
    before = t.detach().clone()
    m.to_numpy(t)
    return {"requires_grad": t.requires_grad, "is leaf": t.is_leaf, "values": t.detach().clone(),
            "values before": before}


@probe
def to_numpy_transposed_shares_memory(m):
    "to_numpy of a transposed (non-contiguous) tensor: a later write to the tensor shows in it"
    t = torch.zeros(2, 3)
    a = m.to_numpy(t.T)
    t[1, 0] = 5.0
    return a.copy()


@probe
def from_numpy_strided_view_shares(m):
    "from_numpy_shared of a strided view a[:, ::2]: writes show in both directions"
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    a = base[:, ::2]
    t = m.from_numpy_shared(a)
    base[0, 2] = -7.0
    seen_by_tensor = t.clone()
    t[2, 1] = 50.0
    return {"tensor": seen_by_tensor, "array": base.copy()}
