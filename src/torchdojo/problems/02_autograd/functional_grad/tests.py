"""Probes for functional_grad: values, no side effects on the caller's tensor, higher order."""

import torch

from torchdojo.probes import compare, probe, raised


def _f(z):
    # x0^2 + x1^3: gradient [2 x0, 3 x1^2], Hessian diag(2, 6 x1)
    return z[0] ** 2 + z[1] ** 3


def _explain(messages):
    """A judge comparing key by key; the first key that differs explains itself.

    For a bool the sentence says it all; for a value the comparison's detail is added.
    """

    def judge(got, ref):
        for key, text in messages.items():
            msg = compare(got[key], ref[key])
            if msg:
                return text if isinstance(ref[key], bool) else f"{text} ({msg})"
        return None

    return judge


@probe(public=True)
def value_at_point(m):
    "f(x) = x0^2 + x1^3 at x = [2, 3] (float32, requires_grad=False)"
    x = torch.tensor([2.0, 3.0])
    return m.grad_of(_f, x)


@probe
def seeded_function(m):
    "a seeded smooth function of a float64 vector of 6 values"
    x = torch.randn(6, dtype=torch.float64)
    w = torch.randn(6, dtype=torch.float64)
    return m.grad_of(lambda z: (torch.sin(z) * w).sum() + (z**2).mean(), x)


@probe(judge=_explain({
    "grad": "wrong gradient",
    "x_grad_is_none": "x.grad of the caller's tensor was set; it must stay None",
    "result_requires_grad": "the result requires grad although create_graph=False",
    "plain_x_requires_grad": "the caller's tensor now has requires_grad=True; it must stay False",
}))
def caller_tensor_untouched(m):
    "x.grad stays None, x.requires_grad is not changed, the result has no graph by default"
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    g = m.grad_of(_f, x)
    plain = torch.tensor([1.0, -1.0])
    m.grad_of(_f, plain)
    return {"grad": g.detach().clone(), "x_grad_is_none": x.grad is None,
            "result_requires_grad": g.requires_grad,
            "plain_x_requires_grad": plain.requires_grad}


@probe(judge=_explain({"first": "first call: wrong gradient",
                       "second": "a second call on the same x must give the same gradient"}))
def repeated_calls_agree(m):
    "two calls on the same leaf x (requires_grad=True) return the same gradient"
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    first = m.grad_of(_f, x).detach().clone()
    second = m.grad_of(_f, x).detach().clone()
    return {"first": first, "second": second}


def _value_error(got, ref):
    if got == ref:
        return None
    return f"a function with a non-scalar output must raise {ref}; got {got or 'no exception'}"


@probe(judge=_value_error)
def non_scalar_raises(m):
    "f returning a vector (shape (3,)) raises ValueError"
    x = torch.randn(3)
    return raised(lambda: m.grad_of(lambda z: z**2, x))


def _second_order(got, ref):
    msg = compare(got["first"], ref["first"])
    if msg:
        return f"wrong first derivative ({msg})"
    if got["second"] is None:
        return ("with create_graph=True the result must be differentiable w.r.t. x, "
                "but differentiating it again reached no gradient for x")
    msg = compare(got["second"], ref["second"])
    return f"wrong second derivative ({msg})" if msg else None


@probe(judge=_second_order)
def second_derivative(m):
    "create_graph=True: differentiating the result again w.r.t. x gives the Hessian's row sums"
    x = torch.tensor([2.0, 3.0], dtype=torch.float64, requires_grad=True)
    g = m.grad_of(_f, x, create_graph=True)
    second = None
    if g.requires_grad:
        (second,) = torch.autograd.grad(g.sum(), x, allow_unused=True)
    return {"first": g.detach().clone(), "second": second}


@probe(judge=_explain({"grad": "wrong gradient when called inside torch.no_grad()",
                       "grad_enabled_after": "grad mode was left on inside the caller's "
                                             "torch.no_grad() block; restore it"}))
def inside_no_grad(m):
    "called inside torch.no_grad(): still returns the gradient and leaves grad mode off"
    x = torch.tensor([2.0, 3.0])
    with torch.no_grad():
        g = m.grad_of(_f, x)
        after = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    return {"grad": g, "grad_enabled_after": after}


@probe
def one_element_outputs(m):
    "f returning a one-element tensor of shape (1,) or (1, 1) is a scalar too"
    x = torch.randn(4, dtype=torch.float64)
    return {"shape (1,)": m.grad_of(lambda z: (z**3).sum().reshape(1), x),
            "shape (1, 1)": m.grad_of(lambda z: (torch.sin(z) * z).sum().reshape(1, 1), x)}


@probe(judge=_second_order)
def non_leaf_input(m):
    "x computed from a leaf a: with create_graph=True the result is connected back to a"
    a = torch.tensor([1.0, 1.5], dtype=torch.float64, requires_grad=True)
    x = a * 2  # a non-leaf that requires grad
    g = m.grad_of(_f, x, create_graph=True)
    second = None
    if g.requires_grad:
        (second,) = torch.autograd.grad(g.sum(), a, allow_unused=True)
    return {"first": g.detach().clone(), "second": second}


@probe(judge=_explain({"grad_enabled_after": "grad mode was switched off by the call; "
                                             "leave it as the caller had it"}))
def grad_mode_stays_on(m):
    "called with grad mode on: grad mode is still on afterwards"
    x = torch.tensor([2.0, 3.0])
    with torch.enable_grad():
        m.grad_of(_f, x)
        after = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    return {"grad_enabled_after": after}
