"""Probes for autograd_derivatives: values, shapes, dtypes, and no side effects on the input."""

import math

import torch

from torchdojo.probes import probe


@probe(public=True)
def poly_at_points(m):
    "poly_grad at x = [-2, 0, 2, 3.5]"
    return m.poly_grad(torch.tensor([-2.0, 0.0, 2.0, 3.5]))


@probe(rtol=1e-5, atol=1e-5)
def poly_random_matrix(m):
    "poly_grad of a seeded (3, 4) float32 tensor: same shape, elementwise derivative"
    return m.poly_grad(torch.randn(3, 4) * 3)


@probe(public=True)
def sin_at_quarter_pi(m):
    "sin_grad at pi/4 (a 0-d float64 tensor) and at five float32 points"
    x64 = torch.tensor(math.pi / 4, dtype=torch.float64)
    x32 = torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.0])
    return {"pi/4 (float64)": m.sin_grad(x64), "float32 points": m.sin_grad(x32)}


@probe(rtol=1e-12, atol=1e-12)
def sin_float64_precision(m):
    "sin_grad of float64 points spread over [-60, 60]: float64 result at float64 precision"
    x = torch.linspace(-60, 60, 13, dtype=torch.float64) + torch.rand(13, dtype=torch.float64)
    return m.sin_grad(x)


@probe
def input_left_alone(m):
    "after the calls, the input's .grad is still None, requires_grad and values are unchanged"
    plain = torch.tensor([1.0, 2.0, 3.0])
    tracked = torch.tensor([0.5, -1.5], requires_grad=True)
    m.poly_grad(plain)
    m.poly_grad(tracked)
    m.sin_grad(tracked)
    return {
        "plain.grad is None": plain.grad is None,
        "plain.requires_grad": plain.requires_grad,
        "plain values": plain.detach().clone(),
        "tracked.grad is None": tracked.grad is None,
        "tracked.requires_grad": tracked.requires_grad,
    }


@probe
def repeated_calls_agree(m):
    "calling poly_grad and sin_grad twice on the same tensor gives the same answers"
    x = torch.tensor([2.0, -1.0, 0.25], requires_grad=True)
    return {"poly": [m.poly_grad(x), m.poly_grad(x)], "sin": [m.sin_grad(x), m.sin_grad(x)]}


@probe
def works_under_no_grad(m):
    "both functions work when called inside torch.no_grad()"
    x = torch.tensor([2.0, 0.1, -4.0])
    with torch.no_grad():
        return {"poly": m.poly_grad(x), "sin": m.sin_grad(x)}


@probe(rtol=1e-12, atol=1e-12)
def non_contiguous_inputs(m):
    "poly_grad and sin_grad of a transposed matrix and of a strided slice (float64)"
    a = torch.randn(3, 4, dtype=torch.float64) * 2
    t = a.t()  # (4, 3), not contiguous
    s = torch.randn(2, 6, dtype=torch.float64)[:, ::2]  # (2, 3), strided
    return {"poly(transposed)": m.poly_grad(t), "sin(transposed)": m.sin_grad(t),
            "poly(strided)": m.poly_grad(s), "sin(strided)": m.sin_grad(s)}


@probe
def grad_mode_left_as_it_was(m):
    "grad mode is what the caller had after each call, inside and outside torch.no_grad()"
    x = torch.tensor([0.5, 1.5])
    seen = {}
    with torch.no_grad():
        m.poly_grad(x)
        seen["no_grad: after poly_grad"] = torch.is_grad_enabled()
        m.sin_grad(x)
        seen["no_grad: after sin_grad"] = torch.is_grad_enabled()
    with torch.enable_grad():
        m.poly_grad(x)
        m.sin_grad(x)
        seen["grad on: after both"] = torch.is_grad_enabled()
    return seen
