"""Observations on the wire: made plain in the child, decoded safely in the worker.

The child turns whatever a probe returned into plain data (``sanitize``) and serialises it with
``torch.save``; the worker reads it back with ``torch.load(weights_only=True)`` under a size cap, so
no object of the learner's can be reconstructed on the worker's side.
"""

from __future__ import annotations

import io
import math
from typing import Any

import torch

MAX_MESSAGE = 16 * 1024 * 1024
_MAX_DEPTH = 20
_MAX_ITEMS = 10_000


def sanitize(x: Any, depth: int = 0) -> Any:
    """Reduce an observation to tensors, numbers, strings, None, lists, tuples and str-keyed dicts.

    Tensors are detached, moved to CPU, made dense, contiguous and of the plain Tensor class;
    NumPy arrays become a tagged tensor; dtypes, devices and sizes become strings/tuples; anything
    else becomes ``{"__opaque__": type name}`` so the comparison can name it.
    """
    if depth > _MAX_DEPTH:
        return {"__opaque__": "structure nested too deeply"}
    if isinstance(x, torch.Tensor):
        t = x.detach()
        if t.layout != torch.strided:
            t = t.to_dense()
        if t.is_quantized:
            t = t.dequantize()
        return t.cpu().as_subclass(torch.Tensor).contiguous().clone()
    if x is None or isinstance(x, bool | str):
        return x
    if isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        return float(x) if not math.isnan(x) else math.nan
    if isinstance(x, torch.dtype | torch.device):
        return str(x)
    if isinstance(x, torch.Size):
        return tuple(int(i) for i in x)
    np = _numpy()
    if np is not None:
        if isinstance(x, np.ndarray):
            if x.dtype == object:
                return {"__opaque__": "numpy.ndarray of objects"}
            return {"__ndarray__": torch.from_numpy(np.ascontiguousarray(x).copy()),
                    "dtype": str(x.dtype)}
        if isinstance(x, np.generic):
            return sanitize(x.item(), depth + 1)
    if isinstance(x, list | tuple):
        items = [sanitize(v, depth + 1) for v in list(x)[:_MAX_ITEMS]]
        return tuple(items) if isinstance(x, tuple) else items
    if isinstance(x, dict):
        out = {}
        for k, v in list(x.items())[:_MAX_ITEMS]:
            out[str(k)] = sanitize(v, depth + 1)
        return out
    return {"__opaque__": type(x).__qualname__}


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None
    return numpy


def encode(obj: Any) -> bytes:
    """Serialise plain data (after ``sanitize``) to bytes."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def decode(data: bytes) -> Any:
    """Read bytes from the child: size-capped, weights_only, CPU. Raises ValueError when unsafe."""
    if len(data) > MAX_MESSAGE:
        raise ValueError(f"observation of {len(data)} bytes exceeds the {MAX_MESSAGE} byte cap")
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - any failure means the message is not plain data
        raise ValueError(f"observation could not be decoded safely: {type(exc).__name__}") from exc
