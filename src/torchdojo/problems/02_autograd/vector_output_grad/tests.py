"""Probes for elementwise_grad: the seed's two examples, a Jacobian check, no side effects."""

import torch

from torchdojo.probes import compare, probe


def _quadratic(x):
    return x * x + 2 * x + 1


def _branchy(x):
    y = 2 * x
    return y * 3 if y.sum() > 5 else y / 2


def _smooth(x, a, b, c):
    return torch.sin(a * x) * torch.exp(b * x) + c * x**3


@probe(public=True)
def quadratic_at_1_2_3(m):
    "f(x) = x*x + 2x + 1 at x = [1, 2, 3]"
    return m.elementwise_grad(_quadratic, torch.tensor([1.0, 2.0, 3.0]))


@probe(public=True)
def branch_taken_at_runtime(m):
    "y = 2x; z = 3y if y.sum() > 5 else y / 2, at x = [1, 2, 3] and at x = [0.1, 0.2, 0.3]"
    big = m.elementwise_grad(_branchy, torch.tensor([1.0, 2.0, 3.0]))
    small = m.elementwise_grad(_branchy, torch.tensor([0.1, 0.2, 0.3]))
    return {"x = [1, 2, 3]": big, "x = [0.1, 0.2, 0.3]": small}


def _matches_jacobian_diagonal(got, ref):
    g = got["grad"]
    if not isinstance(g, torch.Tensor):
        return f"expected a gradient tensor, got {type(g).__name__}"
    x, a, b, c = ref["x"], ref["a"], ref["b"], ref["c"]
    jac = torch.autograd.functional.jacobian(lambda t: _smooth(t, a, b, c), x)
    msg = compare(g, torch.diagonal(jac), rtol=1e-10, atol=1e-10)
    return f"compared with the diagonal of the Jacobian: {msg}" if msg else None


@probe(judge=_matches_jacobian_diagonal)
def smooth_function_float64(m):
    "a seeded smooth elementwise function of 7 float64 values, against the Jacobian's diagonal"
    x = torch.randn(7, dtype=torch.float64)
    a, b, c = (torch.randn(7, dtype=torch.float64) for _ in range(3))
    grad = m.elementwise_grad(lambda t: _smooth(t, a, b, c), x)
    return {"x": x, "a": a, "b": b, "c": c, "grad": grad}


@probe(rtol=1e-5, atol=1e-6)
def matrix_input(m):
    "f(x) = x * tanh(x) on a seeded (3, 4) tensor: gradient of the same shape"
    return m.elementwise_grad(lambda t: t * torch.tanh(t), torch.randn(3, 4))


@probe
def input_left_alone(m):
    "the input's .grad stays None, requires_grad and values are unchanged; two calls agree"
    plain = torch.tensor([1.0, -2.0, 0.5])
    tracked = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    first = m.elementwise_grad(_quadratic, tracked)
    second = m.elementwise_grad(_quadratic, tracked)
    m.elementwise_grad(torch.exp, plain)
    return {
        "tracked.grad is None": tracked.grad is None,
        "tracked.requires_grad": tracked.requires_grad,
        "plain.grad is None": plain.grad is None,
        "plain.requires_grad": plain.requires_grad,
        "plain values": plain.detach().clone(),
        "two calls": [first, second],
    }


@probe
def works_under_no_grad(m):
    "elementwise_grad works when called inside torch.no_grad()"
    with torch.no_grad():
        return m.elementwise_grad(_quadratic, torch.tensor([0.0, -1.0, 4.0]))


@probe
def grad_mode_left_alone(m):
    "the global grad mode is the same after the call, inside torch.no_grad() and outside it"
    before = torch.is_grad_enabled()
    try:
        with torch.no_grad():
            g = m.elementwise_grad(_quadratic, torch.tensor([0.5, 1.5]))
            inside = torch.is_grad_enabled()
        m.elementwise_grad(_quadratic, torch.tensor([0.5, 1.5]))
        outside = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(before)
    return {"grad": g, "inside no_grad, after the call": inside, "outside, after the call": outside}


@probe
def non_contiguous_input(m):
    "a transposed (4, 3) matrix and a strided slice: gradients of the same shape"
    xt = torch.randn(3, 4).t()  # (4, 3), not contiguous
    xs = torch.randn(2, 10)[:, ::3]  # (2, 4), strided
    f = lambda t: t * torch.tanh(t)  # noqa: E731
    return {"transposed": m.elementwise_grad(f, xt), "strided": m.elementwise_grad(f, xs)}


def _one_pass(got, ref):
    """Same gradient as the reference, from one backward pass through f's output."""
    if not isinstance(got, dict) or set(got) != set(ref):
        return f"expected a dict with keys {sorted(ref)}"
    msg = compare(got["grad"], ref["grad"], rtol=1e-5, atol=1e-6)
    if msg:
        return f"gradient: {msg}"
    if not isinstance(got["passes"], int) or got["passes"] > 2:
        return (f"{got['passes']} backward passes went through f's output for {got['n']} "
                "elements: expected one (is the full Jacobian being built?)")
    return None


@probe(judge=_one_pass)
def one_backward_pass(m):
    "f(x) = sin(x) * x on 30 values; counts the backward passes through f's output"
    passes = [0]

    def count(grad):
        passes[0] += 1

    def f(t):
        y = torch.sin(t) * t
        if y.requires_grad:
            y.register_hook(count)
        return y

    x = torch.randn(30)
    return {"grad": m.elementwise_grad(f, x), "passes": passes[0], "n": x.numel()}


@probe(rtol=1e-5, atol=1e-6)
def large_input(m):
    "f(x) = sin(x) * x on 16384 float32 values (a full Jacobian would not fit in memory)"
    return m.elementwise_grad(lambda t: torch.sin(t) * t, torch.randn(16384))
