"""The worker-side comparison and the safe decoding of observations."""

from __future__ import annotations

import pickle

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


def test_decode_refuses_objects_and_oversize() -> None:
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    # a raw pickle (not torch.save's format): torch warns about the protocol, then refuses it
    with pytest.raises(ValueError), pytest.warns(UserWarning, match="pickle protocol"):
        codec.decode(pickle.dumps(Evil()))
    with pytest.raises(ValueError):
        codec.decode(b"x" * (codec.MAX_MESSAGE + 1))


def test_frame_reader_caps_and_partial_frames() -> None:
    data = pack({"kind": "a"}, b"xyz") + pack({"kind": "b"})
    r = FrameReader()
    assert r.feed(data[:5]) == []
    frames = r.feed(data[5:])
    assert [h["kind"] for h, _ in frames] == ["a", "b"] and frames[0][1] == b"xyz"
    with pytest.raises(ProtocolError):
        FrameReader().feed(b"\xff\xff\xff\xff\x00\x00\x00\x00")
