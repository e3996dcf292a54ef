"""Probes for identity_and_diagonal: identity values and dtypes, set_diagonal_ writing into the
caller's (non-square, non-contiguous) tensor and returning it, and checkerboard values and dtype."""

import torch

from torchdojo.probes import compare, probe


def _judge_in_place(got, ref):
    if torch.equal(got["x_after"], got["x_before"]):
        return "x was not changed: set_diagonal_ must write into the tensor it was given"
    msg = compare(got["x_after"], ref["x_after"])
    if msg:
        return f"x after the call: {msg}"
    if not got["returned_input"]:
        what = "another tensor" if got["returned_type"] == "Tensor" else got["returned_type"]
        return f"set_diagonal_ must return x itself (the same object), got {what}"
    return None


def _diag_obs(m, x, value):
    before = x.clone()
    ret = m.set_diagonal_(x, value)
    return {"returned_input": ret is x, "returned_type": type(ret).__name__,
            "x_before": before, "x_after": x}


# -- identity_like ------------------------------------------------------------------------------


@probe(public=True)
def identity_4(m):
    "identity_like(4): 4x4 float32 identity"
    return m.identity_like(4)


@probe
def identity_dtypes(m):
    "identity_like(3, dtype=torch.int64) and identity_like(2, dtype=torch.float64)"
    return [m.identity_like(3, dtype=torch.int64), m.identity_like(2, dtype=torch.float64)]


@probe
def identity_edge_sizes(m):
    "identity_like(1) and identity_like(0) (an empty 0x0 matrix)"
    return [m.identity_like(1), m.identity_like(0)]


# -- set_diagonal_ ------------------------------------------------------------------------------


@probe(public=True, judge=_judge_in_place)
def diagonal_wide(m):
    "set_diagonal_(x, 7.0) on a 3x5 zero matrix: x itself changes and is returned"
    return _diag_obs(m, torch.zeros(3, 5), 7.0)


@probe(judge=_judge_in_place)
def diagonal_tall(m):
    "set_diagonal_(x, -1.5) on a seeded 7x3 matrix: only x[i, i] for i < 3 change"
    return _diag_obs(m, torch.randn(7, 3), -1.5)


@probe(judge=_judge_in_place)
def diagonal_square_int(m):
    "set_diagonal_(x, 0) on a 4x4 int64 matrix keeps the dtype"
    return _diag_obs(m, torch.arange(1, 17).reshape(4, 4), 0)


@probe(judge=_judge_in_place)
def diagonal_transposed(m):
    "set_diagonal_(x, 4.0) where x is a transposed (non-contiguous) view of a seeded 5x3 matrix"
    base = torch.randn(5, 3)
    return _diag_obs(m, base.t(), 4.0)


# -- checkerboard -------------------------------------------------------------------------------


@probe
def checkerboard_4(m):
    "checkerboard(4): int64 4x4 with 1 where row + col is even"
    return m.checkerboard(4)


@probe
def checkerboard_odd(m):
    "checkerboard(5)"
    return m.checkerboard(5)


@probe
def checkerboard_edge_sizes(m):
    "checkerboard(1), checkerboard(2) and checkerboard(0)"
    return [m.checkerboard(1), m.checkerboard(2), m.checkerboard(0)]
