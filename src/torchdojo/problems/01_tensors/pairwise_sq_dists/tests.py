"""Probes for pairwise_sq_dists: values against torch.cdist(x, y)**2, shape, sign, no loops.

The value judges recompute ``torch.cdist(x, y) ** 2`` in the worker from the reference run's
seeded inputs, so the check does not depend on anything in the learner's process.
"""

import torch

from torchdojo.probes import compare, parse_source, probe, python_loops, shortcut, source_probe


def _against_cdist(rtol, atol):
    def judge(got, ref):
        d = got["d"]
        if not isinstance(d, torch.Tensor):
            return f"expected a tensor, got {type(d).__name__}"
        expected = torch.cdist(ref["x"], ref["y"]) ** 2
        if tuple(d.shape) != tuple(expected.shape):
            return (f"expected shape {tuple(expected.shape)} (N, M), got {tuple(d.shape)}")
        if d.dtype != expected.dtype:
            return f"expected dtype {expected.dtype}, got {d.dtype}"
        neg = d < 0
        if bool(neg.any()):
            i = tuple(int(k) for k in neg.nonzero()[0])
            return (f"squared distances must be >= 0; got {d[i].item():.3g} at index {i} "
                    "(rounding in the expansion can go below 0)")
        msg = compare(d, expected, rtol=rtol, atol=atol)
        return f"compared with torch.cdist(x, y)**2: {msg}" if msg else None

    return judge


@probe(public=True, judge=_against_cdist(1e-4, 1e-4))
def small_float32(m):
    "x of shape (4, 3) against y of shape (5, 3): an (4, 5) matrix close to torch.cdist(x, y)**2"
    x = torch.randn(4, 3)
    y = torch.randn(5, 3)
    return {"x": x, "y": y, "d": m.pairwise_sq_dists(x, y)}


@probe(judge=_against_cdist(1e-9, 1e-9))
def float64_rectangular(m):
    "float64 x (7, 6) against y (9, 6): dtype kept, values at float64 precision"
    x = torch.randn(7, 6, dtype=torch.float64)
    y = torch.randn(9, 6, dtype=torch.float64) * 3
    return {"x": x, "y": y, "d": m.pairwise_sq_dists(x, y)}


@probe(judge=_against_cdist(1e-4, 1e-2))
def self_distances_far_from_origin(m):
    "distances of 8 float32 points near (30, 30, 30, 30) to themselves: no negative entries"
    x = torch.randn(8, 4) + 30
    return {"x": x, "y": x.clone(), "d": m.pairwise_sq_dists(x, x)}


@probe(judge=_against_cdist(1e-6, 1e-6))
def single_rows(m):
    "one point against three points (N = 1, D = 1): shape (1, 3)"
    x = torch.tensor([[2.0]])
    y = torch.tensor([[0.0], [2.0], [-1.0]])
    return {"x": x, "y": y, "d": m.pairwise_sq_dists(x, y)}


@probe(judge=_against_cdist(1e-9, 1e-9))
def exact_zeros_float64(m):
    "float64 integer points, some shared by x and y (y a transposed view): zero distances stay 0"
    y = torch.randint(-3, 4, (3, 6)).double().T  # (6, 3), not contiguous
    x = torch.cat([y[[4, 1]], torch.randint(-3, 4, (3, 3)).double()])  # (5, 3)
    return {"x": x, "y": y.clone(), "d": m.pairwise_sq_dists(x, y)}


@probe(judge=_against_cdist(1e-6, 1e-6))
def empty_second_set(m):
    "three points against an empty set (M = 0): shape (3, 0)"
    x = torch.randn(3, 2)
    y = torch.randn(0, 2)
    return {"x": x, "y": y, "d": m.pairwise_sq_dists(x, y)}


# library distance functions, as attributes (torch.cdist, x.dist) or imported names, however
# they are reached; a local variable that happens to be called `dist` is fine
_BANNED = {"cdist", "pdist", "dist", "pairwise_distance"}


@source_probe
def no_python_loops(source):
    "the module has no for/while loops or comprehensions and calls no library distance function"
    tree, why = parse_source(source)
    if tree is None:
        return why
    loop = python_loops(tree)
    if loop:
        return f"found {loop}; expected tensor operations only (no Python loops or comprehensions)"
    found = shortcut(tree, _BANNED)
    if found:
        return f"uses {found}; expected your own computation, not a library distance function"
    return None
