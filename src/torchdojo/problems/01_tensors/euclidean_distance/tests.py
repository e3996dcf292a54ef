"""Probes for euclidean_distance: values, shapes under broadcasting, dtype, finite gradients."""

import torch

from torchdojo.probes import compare, probe


@probe(public=True)
def single_pair(m):
    "distance between [1, 2, 3] and [4, 5, 6] (two 1-D tensors give a 0-d tensor)"
    a = torch.tensor([1.0, 2.0, 3.0])
    b = torch.tensor([4.0, 5.0, 6.0])
    return m.euclidean_distance(a, b)


@probe(public=True)
def batch_of_pairs(m):
    "a batch of 5 pairs of 3-D points, shapes (5, 3) and (5, 3): one distance per row"
    a = torch.randn(5, 3)
    b = torch.randn(5, 3)
    return m.euclidean_distance(a, b)


@probe
def batch_against_one_point(m):
    "(6, 4) points against a single (4,) point, broadcast over the rows"
    a = torch.randn(6, 4)
    b = torch.randn(4)
    return m.euclidean_distance(a, b)


@probe
def leading_dims_broadcast(m):
    "shapes (2, 1, 3, 5) and (4, 1, 5) broadcast to a (2, 4, 3) result"
    a = torch.randn(2, 1, 3, 5)
    b = torch.randn(4, 1, 5)
    return m.euclidean_distance(a, b)


@probe(rtol=1e-12, atol=1e-12)
def float64_kept(m):
    "float64 inputs give a float64 result at float64 precision"
    a = torch.randn(4, 7, dtype=torch.float64) * 1e3
    b = a + torch.randn(4, 7, dtype=torch.float64) * 1e-6
    return m.euclidean_distance(a, b)


def _finite_and_close(got, ref):
    for k in ("grad_a", "grad_b"):
        g = got[k]
        if not isinstance(g, torch.Tensor):
            return f"{k}: expected a gradient tensor, got {type(g).__name__}"
        if not bool(torch.isfinite(g).all()):
            rows = sorted({int(i) for i in (~torch.isfinite(g)).nonzero()[:, 0]})
            return (f"{k} has NaN/inf in rows {rows} (where a == b); "
                    "expected finite values (0 there)")
    return compare(got, ref, rtol=1e-5, atol=1e-6)


@probe(judge=_finite_and_close)
def gradient_when_points_coincide(m):
    "gradient of the summed distances w.r.t. both inputs, with some rows where a == b"
    a = torch.randn(4, 3)
    b = torch.randn(4, 3)
    b[1] = a[1]
    b[3] = a[3]
    a.requires_grad_(True)
    b.requires_grad_(True)
    d = m.euclidean_distance(a, b)
    d.sum().backward()
    return {"distance": d.detach(), "grad_a": a.grad, "grad_b": b.grad}
