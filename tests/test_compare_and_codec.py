"""The worker-side comparison and the safe decoding of observations."""

from __future__ import annotations

import json
import math
import pickle
import struct
import time

import numpy as np
import pytest
import torch

from torchdojo.grader import codec
from torchdojo.grader.compare import compare
from torchdojo.grader.protocol import FrameReader, ProtocolError, pack


def roundtrip(x):
    return codec.decode(codec.encode(codec.sanitize(x)))


def test_compare_reports_shape_dtype_and_values() -> None:
    ref = torch.arange(6.0).reshape(2, 3)
    assert compare(ref.clone(), ref) is None
    assert "shape" in compare(ref.T, ref)
    assert "dtype" in compare(ref.double(), ref)
    msg = compare(ref + torch.tensor([[0, 0, 0], [0, 0.5, 0]]), ref)
    assert "index (1, 1)" in msg and "expected 4" in msg
    assert compare(ref + 1e-7, ref) is None
    assert compare(ref + 1e-3, ref, atol=1e-2) is None
    assert "expected a tensor" in compare([0, 1], ref)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64,
                                   torch.complex64, torch.complex128])
def test_default_tolerances_agree_with_assert_close(dtype: torch.dtype) -> None:
    """Without stated tolerances the verdict is assert_close's, on either side of its bound."""
    gen = torch.Generator().manual_seed(0)
    ref = torch.randn(64, generator=gen, dtype=torch.float64).to(dtype)
    rtol, atol = torch.testing._comparison.default_tolerances(dtype)
    bound = atol + rtol * ref.abs().double()
    for scale in (0.0, 0.5, 0.9, 1.5, 3.0, 30.0):
        got = ref + (bound * scale).to(dtype)
        try:
            torch.testing.assert_close(got, ref, equal_nan=True)
            expected_pass = True
        except AssertionError:
            expected_pass = False
        assert (compare(got, ref) is None) == expected_pass, (dtype, scale)
    assert compare(ref + 1, ref) is not None


def test_compare_plain_values() -> None:
    assert compare(1, 1) is None and compare(True, 1) is not None
    assert compare(1, True) is not None
    assert compare(0.1 + 0.2, 0.3) is None and compare(0.31, 0.3) is not None
    assert compare({"a": [1, "x"]}, {"a": [1, "x"]}) is None
    # the statement promises a list or a tuple, and the other one is a wrong return type
    assert "expected a tuple of 2 items, got list" in compare({"a": [1, "x"]}, {"a": (1, "x")})
    assert "expected a list" in compare((1, "x"), [1, "x"])
    assert "missing key" in compare({}, {"a": 1})
    assert "got an object of type Foo" in compare({"__opaque__": "Foo"}, torch.zeros(1))


def test_sanitize_makes_plain_data() -> None:
    class Sub(torch.Tensor):
        pass

    t = torch.ones(2, requires_grad=True) * 2
    out = roundtrip({"t": t, "s": torch.zeros(2).as_subclass(Sub), "d": torch.float32,
                     "size": torch.Size([2, 3]), "np": np.arange(3), "obj": object()})
    assert type(out["t"]) is torch.Tensor and not out["t"].requires_grad
    assert type(out["s"]) is torch.Tensor
    assert out["d"] == "torch.float32" and out["size"] == (2, 3)
    assert out["np"]["dtype"] == "int64"
    assert out["obj"] == {"__opaque__": "object"}


def _forged(skeleton, data: bytes = b"") -> bytes:
    """Bytes in the observation format with a skeleton of our choosing (as a hostile child)."""
    sk = skeleton if isinstance(skeleton, bytes) else json.dumps(skeleton).encode()
    return codec.MAGIC + struct.pack(">I", len(sk)) + sk + data


def test_roundtrip_keeps_types_dtypes_and_special_values() -> None:
    obs = {"f": torch.tensor([1.5, float("nan"), float("-inf"), -0.0]),
           "bf": torch.arange(3, dtype=torch.bfloat16), "h": torch.ones(2, dtype=torch.float16),
           "c": torch.tensor([1 + 2j]), "b": torch.tensor([True, False]),
           "e": torch.empty(0, 3), "s": torch.tensor(7), "i": 3, "x": 2.0, "t": (1, [2]),
           "n": None, "z": "中文", "nan": float("nan"), "big": 2**70,
           "view": torch.arange(12.0).reshape(3, 4).T[1:]}
    out = roundtrip(obs)
    for k in ("f", "bf", "h", "c", "b", "e", "s", "view"):
        assert out[k].dtype == obs[k].dtype and out[k].shape == obs[k].shape, k
        torch.testing.assert_close(out[k], obs[k].contiguous(), rtol=0, atol=0, equal_nan=True)
    assert torch.equal(torch.signbit(out["f"]), torch.signbit(obs["f"]))
    assert out["i"] == 3 and type(out["i"]) is int and type(out["x"]) is float
    assert out["t"] == (1, [2]) and type(out["t"]) is tuple and type(out["t"][1]) is list
    assert out["n"] is None and out["z"] == "中文" and math.isnan(out["nan"])
    assert out["big"] == 2**70


def test_decode_refuses_objects_and_oversize() -> None:
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    with pytest.raises(ValueError):  # a pickle is not the format: nothing is unpickled
        codec.decode(pickle.dumps(Evil()))
    with pytest.raises(ValueError):  # nor is torch.save's zip
        codec.decode(_torch_save(torch.zeros(2)))
    with pytest.raises(ValueError):
        codec.decode(b"x" * (codec.MAX_MESSAGE + 1))
    with pytest.raises(ValueError):
        codec.encode({"t": torch.zeros(codec.MAX_MESSAGE // 4 + 1)})


def _torch_save(x) -> bytes:
    import io

    buf = io.BytesIO()
    torch.save(x, buf)
    return buf.getvalue()


@pytest.mark.parametrize("case", [
    "shape_bomb", "zero_numel_lie", "negative_dim", "bool_dim", "float_dim", "too_many_dims",
    "unknown_dtype", "trailing_bytes", "short_data", "deep_nesting", "json_recursion",
    "too_many_nodes", "bad_tag", "skeleton_length_lie", "not_json"])
def test_decode_is_bounded_by_the_bytes_sent(case: str) -> None:
    """A hostile child chooses every byte: each forgery is refused at once, in little memory."""
    deep = ["L"]
    for _ in range(40):
        deep = ["L", deep]
    forged = {
        "shape_bomb": _forged(["X", "float32", [10**6, 10**6]], b"\0" * 16),
        "zero_numel_lie": _forged(["X", "float32", [0, 10**6]], b"\0" * 4),
        "negative_dim": _forged(["X", "float32", [-1, 4]], b"\0" * 16),
        "bool_dim": _forged(["X", "float32", [True]], b"\0" * 4),
        "float_dim": _forged(["X", "float32", [2.0]], b"\0" * 8),
        "too_many_dims": _forged(["X", "uint8", [1] * 40], b"\0"),
        "unknown_dtype": _forged(["X", "object", [1]], b"\0" * 8),
        "trailing_bytes": _forged(["X", "float32", [1]], b"\0" * 8),
        "short_data": _forged(["X", "float64", [4]], b"\0" * 8),
        "deep_nesting": _forged(deep),
        "json_recursion": _forged(b"[" * 200_000 + b"]" * 200_000),
        "too_many_nodes": _forged(["L", *([0] * (codec.MAX_NODES + 1))]),
        "bad_tag": _forged(["Q", 1]),
        "skeleton_length_lie": codec.MAGIC + struct.pack(">I", 10**6) + b"[]",
        "not_json": _forged(b"{not json"),
    }[case]
    t0 = time.perf_counter()
    with pytest.raises(ValueError):
        codec.decode(forged)
    assert time.perf_counter() - t0 < 2.0


def test_frame_reader_caps_and_partial_frames() -> None:
    data = pack({"kind": "a"}, b"xyz") + pack({"kind": "b"})
    r = FrameReader()
    assert r.feed(data[:5]) == []
    frames = r.feed(data[5:])
    assert [h["kind"] for h, _ in frames] == ["a", "b"] and frames[0][1] == b"xyz"
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"\xff\xff\xff\xff\x00\x00\x00\x00")
    with pytest.raises(ProtocolError):  # nested past what JSON's decoder will go
        FrameReader().feed(struct.pack(">II", 60_000, 0) + b"[" * 30_000 + b"]" * 30_000)
    with pytest.raises(ProtocolError):
        FrameReader().feed(struct.pack(">II", 2, 0) + b"[]")  # not an object
    # caps are the reader's: a job may carry a 1 MiB source, a child's frame may not
    big = pack({"kind": "x"}, b"y" * (1 << 20))
    assert FrameReader(blob_cap=1 << 20).feed(big)[0][1] == b"y" * (1 << 20)
    with pytest.raises(ProtocolError):
        FrameReader(blob_cap=1000).feed(big)
