"""Probes for strides_and_storage: hand-made strides and who shares storage with whom."""

import torch

from torchdojo.probes import probe


def _fmt(x):
    return str(tuple(x)) if isinstance(x, list | tuple) else repr(x)


def _same_strides(got, ref):
    """Per shape: the learner's strides must equal the reference's, as a tuple of Python ints."""
    for key, want in ref.items():
        entry = got.get(key) if isinstance(got, dict) else None
        have = entry.get("strides") if isinstance(entry, dict) else None
        types = entry.get("element types") if isinstance(entry, dict) else None
        if not isinstance(have, tuple):
            return (f"shape {key}: expected a tuple of strides, got {type(have).__name__} "
                    f"{_fmt(have)}")
        if tuple(have) != tuple(want["strides"]):
            return f"shape {key}: expected strides {_fmt(want['strides'])}, got {_fmt(have)}"
        if types != want["element types"]:
            return (f"shape {key}: expected the strides as Python ints, got elements of type "
                    f"{', '.join(map(str, types or [])) or '?'}")
    return None


def _strides_of(m, shapes):
    out = {}
    for shape in shapes:
        strides = m.contiguous_strides(shape)
        types = ([type(v).__name__ for v in strides] if isinstance(strides, list | tuple)
                 else None)
        out[str(shape)] = {"strides": strides, "element types": types}
    return out


@probe(public=True, judge=_same_strides)
def strides_basic(m):
    "strides of ordinary shapes such as (3, 4, 5), (7,) and (2, 3) equal torch.empty(shape).stride()"
    return _strides_of(m, [(3, 4, 5), (7,), (2, 3), (2, 3, 4, 5)])


@probe(judge=_same_strides)
def strides_size_one_dims(m):
    "strides of shapes with size-1 dims equal torch.empty(shape).stride()"
    return _strides_of(m, [(3, 1, 4), (1, 1), (4, 1), (1, 5), (1,)])


@probe(judge=_same_strides)
def strides_empty_and_scalar(m):
    "strides of a 0-d shape and of shapes with size-0 dims equal torch.empty(shape).stride()"
    return _strides_of(m, [(), (0,), (2, 0, 3), (2, 3, 0), (0, 4), (2, 1, 0, 3)])


@probe(judge=_same_strides)
def strides_huge_shape(m):
    "strides of a shape with about 10**17 elements, far too large to allocate"
    return _strides_of(m, [(10**6, 10**6, 10**5)])


@probe(public=True)
def storage_basic(m):
    "shares_storage on a view, a detached tensor, a clone and an unrelated tensor"
    x = torch.randn(4, 6)
    return {
        "x vs x.view(6, 4)": m.shares_storage(x, x.view(6, 4)),
        "x vs x.detach()": m.shares_storage(x, x.detach()),
        "x vs x.clone()": m.shares_storage(x, x.clone()),
        "x vs another randn(4, 6)": m.shares_storage(x, torch.randn(4, 6)),
    }


@probe
def storage_transpose_reshape(m):
    "shares_storage on transposes, and on reshape of contiguous and of non-contiguous tensors"
    x = torch.randn(4, 6)
    xt = x.T
    return {
        "x vs x.T": m.shares_storage(x, xt),
        "x vs x.reshape(-1)": m.shares_storage(x, x.reshape(-1)),
        "x vs x.T.reshape(-1)": m.shares_storage(x, xt.reshape(-1)),
        "x.T vs x.T.contiguous()": m.shares_storage(xt, xt.contiguous()),
        "x vs x.contiguous()": m.shares_storage(x, x.contiguous()),
    }


@probe
def storage_offsets_and_dtypes(m):
    "shares_storage on slices that start later in the storage, on sibling slices and on dtype views"
    x = torch.randn(4, 6)
    return {
        "x vs x[1:]": m.shares_storage(x, x[1:]),
        "x vs x[:, 2]": m.shares_storage(x, x[:, 2]),
        "x[0] vs x[2]": m.shares_storage(x[0], x[2]),
        "x vs x.view(torch.int32)": m.shares_storage(x, x.view(torch.int32)),
        "x[1:] vs x[1:].clone()": m.shares_storage(x[1:], x[1:].clone()),
    }
