"""Probes for copy_semantics: values, separate storage, no autograd history, the global grad
mode and the device kept, no warnings."""

import warnings

import torch

from torchdojo.probes import probe


@probe(public=True)
def values_shape_dtype(m):
    "the copy of seeded float32, int64 and bool tensors has the same values, shape and dtype"
    return {
        "float32": m.independent_copy(torch.randn(3, 4)),
        "int64": m.independent_copy(torch.randint(-5, 5, (6,))),
        "bool": m.independent_copy(torch.rand(2, 3) > 0.5),
    }


@probe(public=True)
def input_written_after_copy(m):
    "writing into the input after the call does not change the copy"
    t = torch.arange(6.0)
    c = m.independent_copy(t)
    t[0] = 100.0
    t[5] = -1.0
    return c


@probe
def copy_written_after_copy(m):
    "writing into the copy leaves the input unchanged (input is a strided slice of a bigger tensor)"
    base = torch.randn(4, 6)
    t = base[1:, ::2]
    c = m.independent_copy(t)
    c.fill_(0.0)
    return {"input": t, "base": base}


@probe
def separate_storage(m):
    "the copy's storage is not the input's storage (contiguous input and an offset slice)"
    out = {}
    base = torch.randn(5, 4)
    for name, t in (("contiguous", base), ("offset slice", base[2:, 1:])):
        c = m.independent_copy(t)
        out[name] = {
            "values": c,
            "same storage": c.untyped_storage().data_ptr() == t.untyped_storage().data_ptr(),
        }
    return out


@probe
def no_autograd_history(m):
    "for a leaf that requires grad and for a result computed from it, the copy has no grad history"
    x = torch.randn(3, requires_grad=True)
    out = {}
    for name, t in (("leaf", x), ("computed", x * 2)):
        c = m.independent_copy(t)
        out[name] = {
            "values": c,
            "requires_grad": c.requires_grad,
            "grad_fn": None if c.grad_fn is None else type(c.grad_fn).__name__,
        }
    return out


@probe
def grad_mode_untouched(m):
    "the global autograd mode is the same after the call as before (on, and off)"
    out = {}
    try:
        for enabled in (True, False):
            torch.set_grad_enabled(enabled)
            m.independent_copy(torch.randn(3, requires_grad=True))
            out[f"grad enabled after a call made with grad {'on' if enabled else 'off'}"] = (
                torch.is_grad_enabled())
    finally:
        torch.set_grad_enabled(True)
    return out


@probe
def meta_device(m):
    "a tensor on the meta device is copied onto the meta device, with its shape and dtype"
    out = {}
    for name, t in (("float64", torch.empty(3, 4, device="meta", dtype=torch.float64)),
                    ("requires grad", torch.empty(5, device="meta", requires_grad=True))):
        c = m.independent_copy(t)
        out[name] = {"device": str(c.device), "shape": tuple(c.shape), "dtype": str(c.dtype),
                     "requires_grad": c.requires_grad}
    return out


def _no_warnings(got, ref):
    if not isinstance(got, list) or not got:
        return None
    return f"expected no warning, but the call emitted {len(got)}; first: {got[0]}"


@probe(judge=_no_warnings)
def no_warnings(m):
    "the call emits no warning, for a plain tensor and for one that requires grad"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.independent_copy(torch.randn(3))
        m.independent_copy(torch.randn(3, requires_grad=True))
    return [f"{w.category.__name__} ({str(w.message)[:45]}...)" for w in caught]
