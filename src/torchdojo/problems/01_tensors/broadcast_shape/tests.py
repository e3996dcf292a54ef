"""Probes for broadcast_shape (against torch.broadcast_shapes, computed in the worker) and mse."""

import ast

import torch

from torchdojo.probes import parse_source, probe, raised, shortcut, source_probe

COMPATIBLE = [
    ((3, 1), (4,)),
    ((5, 4), (1,)),
    ((2, 1, 3), (4, 1)),
    ((8, 1, 6, 1), (7, 1, 5)),
    ((4, 1), (1, 5), (1, 1, 1)),
    ((3,), (3,), (1, 3), (2, 1, 1)),
    ((1, 1, 1), (1,)),
    ((6,),),
    ((),),
    ((), (3, 4)),
    (),
]
ZERO_SIZE = [
    ((0,), (1,)),
    ((1,), (0,)),
    ((2, 0, 3), (1, 3)),
    ((1, 0), (5, 1)),
    ((0, 4), (4,)),
]
INCOMPATIBLE = [
    ((3,), (4,)),
    ((5, 2), (5,)),
    ((2, 1), (8, 4, 3)),
    ((1, 2, 3), (2, 3), (4, 3)),
    ((0,), (3,)),
    ((3,), (0,)),
    ((2, 0), (2, 5)),
]


def _call(m, case):
    try:
        return m.broadcast_shape(*case)
    except Exception as exc:  # noqa: BLE001 - which case raised is part of the observation
        return {"raised": type(exc).__name__}


def _show(case):
    return "broadcast_shape(" + ", ".join(map(str, case)) + ")"


def _against_torch(cases):
    def judge(got, ref):
        if not isinstance(got, list) or len(got) != len(cases):
            return f"expected {len(cases)} results, got {type(got).__name__}"
        for case, g in zip(cases, got, strict=True):
            expected = tuple(torch.broadcast_shapes(*case))
            if isinstance(g, dict) and "raised" in g:
                return f"{_show(case)} raised {g['raised']}; expected {expected}"
            if not isinstance(g, tuple) or not all(type(v) is int for v in g):
                return f"{_show(case)}: expected the tuple of ints {expected}, got {g!r}"
            if g != expected:
                return f"{_show(case)}: expected {expected}, got {g}"
        return None

    return judge


@probe(public=True, judge=_against_torch(COMPATIBLE[:4]))
def simple_shapes(m):
    "a few pairs of compatible shapes, e.g. (3, 1) with (4,), equal to torch.broadcast_shapes"
    return [_call(m, c) for c in COMPATIBLE[:4]]


@probe(judge=_against_torch(COMPATIBLE))
def many_shapes(m):
    "compatible shapes incl. 3+ shapes, () and no shapes at all: equal to torch.broadcast_shapes"
    return [_call(m, c) for c in COMPATIBLE]


@probe(judge=_against_torch(ZERO_SIZE))
def zero_size_dims(m):
    "shapes with a size-0 dim that broadcast (0 with 1): equal to torch.broadcast_shapes"
    return [_call(m, c) for c in ZERO_SIZE]


def _all_value_error(got, ref):
    for case, g in zip(INCOMPATIBLE, got, strict=True):
        if g != "ValueError":
            return f"{_show(case)} should raise ValueError, got {g or 'no exception'}"
    return None


@probe(judge=_all_value_error)
def incompatible_raise(m):
    "incompatible shapes (incl. 0 vs 3, and shapes that fit only left-aligned) raise ValueError"
    return [raised(lambda c=c: m.broadcast_shape(*c)) for c in INCOMPATIBLE]


_BANNED = {"broadcast_shapes", "broadcast_tensors", "broadcast_to", "broadcast_arrays",
           "broadcast"}
_LIBS = {"torch", "np", "numpy"}


@source_probe
def written_by_hand(source):
    "broadcast_shape is plain Python: no torch/NumPy inside it, no library broadcast helper"
    tree, why = parse_source(source)
    if tree is None:
        return why
    # attributes (torch.broadcast_shapes), imported names (from torch import ...), and the
    # dynamic ways round them (getattr, __dict__, eval)
    found = shortcut(tree, _BANNED)
    if found:
        return f"uses {found}; expected the broadcasting rules written by hand"
    funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "broadcast_shape"]
    for node in (ast.walk(funcs[0]) if funcs else ()):
        if isinstance(node, ast.Name) and node.id in _LIBS:
            return (f"broadcast_shape uses '{node.id}' at line {node.lineno}; expected plain "
                    "Python on tuples of ints")
    return None


@probe(public=True)
def mse_column_prediction(m):
    "mse of a (6, 1) prediction against a (6,) target is a scalar over 6 pairs"
    pred = torch.randn(6, 1)
    target = torch.randn(6)
    return m.mse(pred, target)


@probe
def mse_flat_prediction(m):
    "mse of a (5,) prediction against a (5,) target"
    pred = torch.randn(5)
    target = torch.randn(5)
    return m.mse(pred, target)


@probe(rtol=1e-12, atol=1e-12)
def mse_float64_and_grad(m):
    "float64 (4, 1) prediction: the loss and its gradient w.r.t. the prediction (shape (4, 1))"
    pred = torch.randn(4, 1, dtype=torch.float64, requires_grad=True)
    target = torch.randn(4, dtype=torch.float64)
    loss = m.mse(pred, target)
    loss.backward()
    return {"loss": loss.detach(), "grad": pred.grad}
