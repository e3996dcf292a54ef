"""Probes for higher_order_grads: n-th derivatives of x^3 and sin, and Hessian-vector products."""

import torch

from torchdojo.probes import compare, probe, raised

_POINTS = [-1.5, -0.5, 0.0, 0.7, 2.0]


def _points():
    return torch.tensor(_POINTS, dtype=torch.float64)


def _orders(got, ref):
    for i, (g, r) in enumerate(zip(got, ref, strict=True)):
        msg = compare(g, r)
        if msg:
            return f"derivative of order {i}: {msg}"
    return None


@probe(public=True, judge=_orders)
def cube_low_orders(m):
    "x**3 at 5 float64 points, orders n = 0, 1, 2"
    x = _points()
    return [m.nth_derivative(lambda t: t**3, x, n) for n in range(3)]


@probe(judge=_orders)
def cube_all_orders(m):
    "x**3 at 5 float64 points, orders n = 0..4"
    x = _points()
    return [m.nth_derivative(lambda t: t**3, x, n) for n in range(5)]


@probe(judge=_orders)
def sine_orders(m):
    "sin at 5 float64 points, orders n = 0..5"
    x = _points()
    return [m.nth_derivative(torch.sin, x, n) for n in range(6)]


def _constant(got, ref):
    for key, r in ref.items():
        msg = compare(got[key], r)
        if msg:
            return f"{key}: {msg}"
    return None


@probe(judge=_constant)
def derivative_becomes_constant(m):
    "x*x*x for n = 3, 4, 5 and 2x + 1 for n = 1, 2: derivatives past a constant are zero"
    x = _points()
    out = {f"x*x*x, n={n}": m.nth_derivative(lambda t: t * t * t, x, n) for n in (3, 4, 5)}
    for n in (1, 2):
        out[f"2x+1, n={n}"] = m.nth_derivative(lambda t: 2 * t + 1, x, n)
    return out


def _value_error(got, ref):
    if got == ref:
        return None
    return f"n = -1 must raise {ref}; got {got or 'no exception'}"


@probe(judge=_value_error)
def negative_n_raises(m):
    "n = -1 raises ValueError"
    return raised(lambda: m.nth_derivative(torch.sin, _points(), -1))


def _against_hessian(got, ref):
    """The learner's hvp against H @ v, H built row by row in the reference run."""
    msg = compare(got["hvp"], ref["hessian_times_v"])
    return f"differs from the Hessian times v: {msg}" if msg else None


def _hessian(f, x):
    """The full Hessian, one autograd row at a time (the slow way hvp avoids)."""
    z = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(z), z, create_graph=True)
    rows = []
    for i in range(z.numel()):
        if g.requires_grad:
            (row,) = torch.autograd.grad(g[i], z, retain_graph=True, allow_unused=True,
                                         materialize_grads=True)
        else:
            row = torch.zeros_like(z)
        rows.append(row)
    return torch.stack(rows)  # (D, D)


def _hvp_case(m, f, x, v):
    # Same values as torch.autograd.functional.hvp(f, x, v)[1].
    return {"hvp": m.hvp(f, x, v), "hessian_times_v": _hessian(f, x) @ v}


@probe(public=True, judge=_against_hessian)
def hvp_quadratic(m):
    "f(x) = 0.5 x^T A x with a seeded non-symmetric 5x5 A (float64)"
    a = torch.randn(5, 5, dtype=torch.float64)
    x = torch.randn(5, dtype=torch.float64)
    v = torch.randn(5, dtype=torch.float64)
    return _hvp_case(m, lambda z: 0.5 * z @ a @ z, x, v)


@probe(judge=_against_hessian)
def hvp_nonlinear(m):
    "a seeded non-separable smooth f of 6 float64 values"
    w = torch.randn(6, dtype=torch.float64)
    x = torch.randn(6, dtype=torch.float64)
    v = torch.randn(6, dtype=torch.float64)

    def f(z):
        return (torch.sin(z) * z.roll(1)).sum() + torch.logsumexp(w * z, 0) + (z**4).sum() / 4

    return _hvp_case(m, f, x, v)


@probe(judge=_against_hessian)
def hvp_linear_is_zero(m):
    "a linear f (w . x): the Hessian-vector product is zero"
    w = torch.randn(4, dtype=torch.float64)
    x = torch.randn(4, dtype=torch.float64)
    v = torch.randn(4, dtype=torch.float64)
    return _hvp_case(m, lambda z: (w * z).sum(), x, v)


def _counted(f):
    """Wrap a scalar f so that every backward pass through the graph of its gradient is counted."""
    passes = [0]

    def count(grad):
        passes[0] += 1

    def arm(grad):
        # grad is d f / d h; when it has a graph of its own, count each pass that goes through it
        if grad.requires_grad:
            grad.register_hook(count)

    def wrapped(z):
        h = z * 1.0
        if h.requires_grad:
            h.register_hook(arm)
        return f(h)

    return wrapped, passes


def _few_passes(got, ref):
    """hvp agrees with the reference and runs a number of second-order passes independent of D."""
    if not isinstance(got, dict) or set(got) != set(ref):
        return f"expected a dict with keys {sorted(ref)}"
    msg = compare(got["hvp"], ref["hvp"])
    if msg:
        return f"hvp: {msg}"
    if not isinstance(got["passes"], int) or got["passes"] > 4:
        return (f"hvp ran {got['passes']} backward passes through the gradient's graph for "
                f"D = {got['d']}: the cost must not grow with D (is the Hessian being built?)")
    return None


@probe(judge=_few_passes)
def hvp_cost_independent_of_d(m):
    "hvp for D = 40 counts the backward passes through the gradient's graph"
    d = 40
    w = torch.randn(d, dtype=torch.float64)
    x = torch.randn(d, dtype=torch.float64)
    v = torch.randn(d, dtype=torch.float64)
    f, passes = _counted(lambda z: (torch.sin(z) * z.roll(1)).sum() + torch.logsumexp(w * z, 0))
    return {"hvp": m.hvp(f, x, v), "passes": passes[0], "d": d}


@probe
def hvp_large_d(m):
    "hvp for D = 16384 float64, where the D x D Hessian would not fit in the memory limit"
    d = 16384
    w = torch.randn(d, dtype=torch.float64)
    x = torch.randn(d, dtype=torch.float64)
    v = torch.randn(d, dtype=torch.float64)
    return m.hvp(lambda z: (torch.sin(z) * z.roll(1)).sum() + torch.logsumexp(w * z, 0), x, v)
