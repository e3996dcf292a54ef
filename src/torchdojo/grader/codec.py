"""Observations on the wire: made plain in the child, decoded under limits outside it.

The child turns whatever a probe returned into plain data (``sanitize``) and ``encode``s it; the
worker's side ``decode``s the bytes. The child controls every byte it sends (it can write frames
itself), so the format is ours and deliberately small rather than a pickle: a JSON skeleton of
tagged nodes, then the raw bytes of every tensor, dense and in order. Decoding costs time and
memory in proportion to the bytes received, whatever they say: a tensor's shape must account for
exactly the bytes that follow it (no strides, no shared or expanded storage, no compression), the
dtype comes from a fixed list, nesting, node count and string length are capped, and anything
else is a ``ValueError`` for that observation.

Skeleton nodes: JSON null, booleans, numbers (an int stays an int, a float a float, NaN and
infinities included) and strings stand for themselves; ``["L", ...]`` is a list, ``["T", ...]``
a tuple, ``["D", {...}]`` a dict with string keys, ``["X", dtype, shape]`` a tensor,
``["N", dtype, shape, numpy dtype]`` a NumPy array, ``["O", type name]`` an object that is not
plain data. Decoded, a NumPy array is ``{"__ndarray__": tensor, "dtype": name}`` and an opaque
object ``{"__opaque__": type name}``, the forms comparisons and judges read.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import torch

MAGIC = b"TDJ1"
MAX_MESSAGE = 16 * 1024 * 1024  # one observation, skeleton and tensor bytes together
MAX_SKELETON = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 100_000
MAX_DIMS = 16
_MAX_ITEMS = 10_000  # the child keeps at most this many items of a list or dict

DTYPES: dict[str, torch.dtype] = {str(d).removeprefix("torch."): d for d in (
    torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16,
    torch.bfloat16, torch.float32, torch.float64, torch.complex64, torch.complex128)}
_NAMES = {d: n for n, d in DTYPES.items()}
_LEN = struct.Struct(">I")


def sanitize(x: Any, depth: int = 0) -> Any:
    """Reduce an observation to tensors, numbers, strings, None, lists, tuples and str-keyed dicts.

    Tensors are detached, moved to CPU, made dense, contiguous and of the plain Tensor class;
    NumPy arrays become a tagged tensor; dtypes, devices and sizes become strings/tuples; anything
    else becomes ``{"__opaque__": type name}`` so the comparison can name it.
    """
    if depth > MAX_DEPTH - 2:
        return {"__opaque__": "structure nested too deeply"}
    if isinstance(x, torch.Tensor):
        t = x.detach()
        if t.layout != torch.strided:
            t = t.to_dense()
        if t.is_quantized:
            t = t.dequantize()
        if t.dtype not in _NAMES:
            return {"__opaque__": f"tensor of dtype {t.dtype}"}
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
            try:
                t = torch.from_numpy(np.ascontiguousarray(x).copy())
            except TypeError:
                return {"__opaque__": f"numpy.ndarray of dtype {x.dtype}"}
            return {"__ndarray__": t, "dtype": str(x.dtype)}
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


# -- encoding (child side, and the worker's reference cache) -----------------------------------
def encode(obj: Any) -> bytes:
    """Serialise plain data (after ``sanitize``) to bytes; ValueError if it is over the caps."""
    data: list[bytes] = []
    skeleton = json.dumps(_skeleton(obj, data), ensure_ascii=False,
                          separators=(",", ":")).encode()
    if len(skeleton) > MAX_SKELETON:
        raise ValueError(f"the observation's structure takes {len(skeleton)} bytes; "
                         f"at most {MAX_SKELETON} are accepted")
    out = MAGIC + _LEN.pack(len(skeleton)) + skeleton + b"".join(data)
    if len(out) > MAX_MESSAGE:
        raise ValueError(f"the observation takes {len(out)} bytes; at most {MAX_MESSAGE} "
                         "are accepted")
    return out


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.contiguous()
    if t.dtype in (torch.bfloat16, torch.float16):  # numpy has no bfloat16
        return t.view(torch.int16).numpy().tobytes()
    if t.is_complex():
        return torch.view_as_real(t).numpy().tobytes()
    return t.numpy().tobytes()


def _skeleton(x: Any, data: list[bytes]) -> Any:
    if x is None or isinstance(x, bool | int | float | str):
        return x
    if isinstance(x, torch.Tensor):
        data.append(_tensor_bytes(x))
        return ["X", _NAMES[x.dtype], list(x.shape)]
    if isinstance(x, dict) and set(x) == {"__ndarray__", "dtype"} and isinstance(
            x["__ndarray__"], torch.Tensor):
        t = x["__ndarray__"]
        data.append(_tensor_bytes(t))
        return ["N", _NAMES[t.dtype], list(t.shape), str(x["dtype"])]
    if isinstance(x, dict) and set(x) == {"__opaque__"}:
        return ["O", str(x["__opaque__"])]
    if isinstance(x, list):
        return ["L", *(_skeleton(v, data) for v in x)]
    if isinstance(x, tuple):
        return ["T", *(_skeleton(v, data) for v in x)]
    if isinstance(x, dict):
        return ["D", {str(k): _skeleton(v, data) for k, v in x.items()}]
    raise ValueError(f"not plain data: {type(x).__qualname__}")


# -- decoding (outside the sandbox, on bytes a hostile child chose) ------------------------------
class _Decoder:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = memoryview(data)
        self.pos = offset
        self.nodes = 0

    def node(self, x: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ValueError(f"more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise ValueError(f"nested more than {MAX_DEPTH} deep")
        if x is None or isinstance(x, bool | int | float | str):
            return x
        if not isinstance(x, list) or not x or not isinstance(x[0], str):
            raise ValueError("malformed node")
        tag, rest = x[0], x[1:]
        if tag == "L":
            return [self.node(v, depth + 1) for v in rest]
        if tag == "T":
            return tuple(self.node(v, depth + 1) for v in rest)
        if tag == "D" and len(rest) == 1 and isinstance(rest[0], dict):
            return {k: self.node(v, depth + 1) for k, v in rest[0].items()}
        if tag == "X" and len(rest) == 2:
            return self.tensor(*rest)
        if tag == "N" and len(rest) == 3 and isinstance(rest[2], str) and len(rest[2]) < 32:
            return {"__ndarray__": self.tensor(rest[0], rest[1]), "dtype": rest[2]}
        if tag == "O" and len(rest) == 1 and isinstance(rest[0], str) and len(rest[0]) < 200:
            return {"__opaque__": rest[0]}
        raise ValueError(f"malformed node {tag[:10]!r}")

    def tensor(self, dtype_name: Any, shape: Any) -> torch.Tensor:
        dtype = DTYPES.get(dtype_name) if isinstance(dtype_name, str) else None
        if dtype is None:
            raise ValueError("tensor of an unknown dtype")
        if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
                type(s) is int and 0 <= s <= MAX_MESSAGE for s in shape):
            raise ValueError("tensor with a malformed shape")
        numel = math.prod(shape)
        nbytes = numel * dtype.itemsize  # exact Python ints: no overflow
        if nbytes > len(self.data) - self.pos:
            raise ValueError("tensor larger than the bytes sent")
        if numel == 0:
            return torch.empty(shape, dtype=dtype)
        raw = bytearray(self.data[self.pos:self.pos + nbytes])
        self.pos += nbytes
        return torch.frombuffer(raw, dtype=dtype).reshape(shape)


def decode(data: bytes) -> Any:
    """Read one observation: bounded in time and memory by ``len(data)``; ValueError if unsafe."""
    if len(data) > MAX_MESSAGE:
        raise ValueError(f"observation of {len(data)} bytes exceeds the {MAX_MESSAGE} byte cap")
    if len(data) < len(MAGIC) + _LEN.size or not data.startswith(MAGIC):
        raise ValueError("observation is not in the grader's format")
    (n,) = _LEN.unpack_from(data, len(MAGIC))
    start = len(MAGIC) + _LEN.size
    if n > MAX_SKELETON or start + n > len(data):
        raise ValueError("observation's structure is larger than allowed or than sent")
    try:
        skeleton = json.loads(bytes(data[start:start + n]))
    except (ValueError, RecursionError) as exc:
        raise ValueError("observation's structure is not valid") from exc
    dec = _Decoder(data, start + n)
    obj = dec.node(skeleton, 0)
    if dec.pos != len(data):
        raise ValueError("observation has bytes that no tensor accounts for")
    return obj
