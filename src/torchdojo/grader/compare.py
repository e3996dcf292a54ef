"""Worker-side comparison of a learner's observation with the reference's.

Runs outside the sandbox on data decoded by ``codec.decode`` (plain values only), so nothing the
learner did in its own process can change the outcome. Every message says what was expected and
what came, in one line.
"""

from __future__ import annotations

import math
from typing import Any

import torch

_MAX_REPR = 60


def _short(x: Any) -> str:
    s = repr(x)
    return s if len(s) <= _MAX_REPR else s[: _MAX_REPR - 3] + "..."


def describe(x: Any) -> str:
    """A short name for the kind of value an observation is, for messages."""
    if isinstance(x, torch.Tensor):
        return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
    if isinstance(x, dict) and "__opaque__" in x:
        return f"an object of type {x['__opaque__']}"
    if isinstance(x, dict) and "__ndarray__" in x:
        return f"a NumPy array of shape {tuple(x['__ndarray__'].shape)}"
    if isinstance(x, dict) and "__error__" in x:
        return f"an exception ({x['__error__']})"
    if x is None:
        return "None"
    return f"{type(x).__name__} {_short(x)}"


def _where(path: str) -> str:
    return f"{path}: " if path else ""


def _compare_tensor(got: torch.Tensor, ref: torch.Tensor, rtol: float | None,
                    atol: float | None, check_dtype: bool, path: str) -> str | None:
    w = _where(path)
    if tuple(got.shape) != tuple(ref.shape):
        return f"{w}expected shape {tuple(ref.shape)}, got {tuple(got.shape)}"
    if check_dtype and got.dtype != ref.dtype:
        return f"{w}expected dtype {ref.dtype}, got {got.dtype}"
    if ref.is_floating_point() or ref.is_complex():
        g = got.to(ref.dtype) if got.dtype != ref.dtype else got
        # torch.testing.assert_close's tolerances, applied with allclose: assert_close itself
        # imports torch.distributed.tensor (and sympy) on first use, over a second per process.
        if rtol is None and atol is None:
            rtol_, atol_ = _default_tols(ref.dtype)
        else:
            rtol_ = 0.0 if rtol is None else rtol
            atol_ = 0.0 if atol is None else atol
        if torch.allclose(g, ref, rtol=rtol_, atol=atol_, equal_nan=True):
            return None
        diff = (g - ref).abs()
        diff = torch.where(torch.isnan(g) & torch.isnan(ref), torch.zeros_like(diff), diff)
        bad = ~torch.isclose(g, ref, rtol=rtol_, atol=atol_, equal_nan=True)
        idx = tuple(int(i) for i in bad.nonzero()[0]) if bad.any() else ()
        n_bad, n = int(bad.sum()), ref.numel()
        at = f" at index {idx}" if idx else ""
        exp_v = ref[idx].item() if ref.dim() else ref.item()
        got_v = g[idx].item() if g.dim() else g.item()
        return (f"{w}values differ in {n_bad} of {n} elements (rtol={rtol_:g}, atol={atol_:g}); "
                f"first{at}: expected {exp_v:.8g}, got {got_v:.8g}; "
                f"max abs diff {float(torch.nan_to_num(diff, nan=math.inf).max()):.3g}")
    if torch.equal(got.to(ref.dtype), ref):
        return None
    bad = got.to(ref.dtype) != ref
    idx = tuple(int(i) for i in bad.nonzero()[0]) if bad.dim() and bad.any() else ()
    exp_v = ref[idx].item() if ref.dim() else ref.item()
    got_v = got[idx].item() if got.dim() else got.item()
    at = f" at index {idx}" if idx else ""
    return (f"{w}values differ in {int(bad.sum())} of {ref.numel()} elements; "
            f"first{at}: expected {exp_v}, got {got_v}")


def _default_tols(dtype: torch.dtype) -> tuple[float, float]:
    """torch.testing's default (rtol, atol) for a floating dtype."""
    table = {
        torch.float16: (1e-3, 1e-5),
        torch.bfloat16: (1.6e-2, 1e-5),
        torch.float32: (1.3e-6, 1e-5),
        torch.float64: (1e-7, 1e-7),
        torch.complex64: (1.3e-6, 1e-5),
        torch.complex128: (1e-7, 1e-7),
    }
    return table.get(dtype, (1.3e-6, 1e-5))


def compare(got: Any, ref: Any, *, rtol: float | None = None, atol: float | None = None,
            check_dtype: bool = True, path: str = "") -> str | None:
    """None when ``got`` matches ``ref``; otherwise a one-line message saying what differs."""
    w = _where(path)
    if isinstance(got, dict) and "__error__" in got and not (
            isinstance(ref, dict) and "__error__" in ref):
        return f"{w}expected {describe(ref)}, but the code raised {got['__error__']}"
    if isinstance(ref, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"{w}expected {describe(ref)}, got {describe(got)}"
        return _compare_tensor(got, ref, rtol, atol, check_dtype, path)
    if isinstance(ref, dict) and "__ndarray__" in ref:
        if not (isinstance(got, dict) and "__ndarray__" in got):
            return f"{w}expected {describe(ref)}, got {describe(got)}"
        return _compare_tensor(got["__ndarray__"], ref["__ndarray__"], rtol, atol, check_dtype,
                               path)
    if isinstance(ref, bool):
        if not isinstance(got, bool):
            return f"{w}expected bool {ref}, got {describe(got)}"
        return None if got == ref else f"{w}expected {ref}, got {got}"
    if isinstance(ref, int):
        if isinstance(got, bool) or not isinstance(got, int):
            return f"{w}expected int {ref}, got {describe(got)}"
        return None if got == ref else f"{w}expected {ref}, got {got}"
    if isinstance(ref, float):
        if isinstance(got, bool) or not isinstance(got, int | float):
            return f"{w}expected a number close to {ref:.6g}, got {describe(got)}"
        r = 1.3e-6 if rtol is None else rtol
        a = 1e-5 if atol is None else atol
        if math.isnan(ref) and math.isnan(got):
            return None
        if abs(got - ref) <= a + r * abs(ref):
            return None
        return f"{w}expected {ref:.6g}, got {got:.6g} (rtol={r:g}, atol={a:g})"
    if ref is None or isinstance(ref, str):
        return None if got == ref and type(got) is type(ref) else (
            f"{w}expected {describe(ref)}, got {describe(got)}")
    if isinstance(ref, list | tuple):
        kind = type(ref).__name__  # the statement promises one: a list is not a tuple
        if type(got) is not type(ref):
            return f"{w}expected a {kind} of {len(ref)} items, got {describe(got)}"
        if len(got) != len(ref):
            return f"{w}expected {len(ref)} items, got {len(got)}"
        for i, (g, r) in enumerate(zip(got, ref, strict=True)):
            msg = compare(g, r, rtol=rtol, atol=atol, check_dtype=check_dtype,
                          path=f"{path}[{i}]")
            if msg:
                return msg
        return None
    if isinstance(ref, dict):
        if not isinstance(got, dict) or "__opaque__" in got:
            return f"{w}expected a dict with keys {sorted(ref)}, got {describe(got)}"
        missing = [k for k in ref if k not in got]
        if missing:
            return f"{w}missing key(s) {missing}"
        for k in ref:
            msg = compare(got[k], ref[k], rtol=rtol, atol=atol, check_dtype=check_dtype,
                          path=f"{path}[{k!r}]")
            if msg:
                return msg
        return None
    return f"{w}cannot compare with a reference of type {type(ref).__name__}"
