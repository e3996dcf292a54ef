"""Probes for swish_gelu: values and gradients of Swish (default, non-default and learnable
beta), both GELU forms and the custom-Function silu on seeded inputs; huge inputs finite;
beta's registration (parameter vs buffer, state_dict); the hand-written backward really used
(grad_fn, saved input, gradcheck); dtype and non-contiguous inputs; no built-in shortcut."""

import torch

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
BIG = [-1e4, -100.0, -50.0, -20.0, -3.0, 0.0, 3.0, 20.0, 50.0, 100.0, 1e4]


def _x(n: int = 64, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A seeded grid from -20 to 20 plus seeded normal values (the harness seeds torch)."""
    grid = torch.linspace(-20.0, 20.0, 41, dtype=dtype)
    return torch.cat([grid, torch.randn(n, dtype=dtype) * 4])


def _value_and_grad(f, x: torch.Tensor) -> dict:
    """f(x) and x.grad after f(x).backward(g) with a seeded, non-uniform upstream g."""
    x = x.detach().clone().requires_grad_()
    y = f(x)
    g = torch.linspace(-1.5, 2.0, y.numel(), dtype=y.dtype).reshape(y.shape)
    y.backward(g)
    return {"out": y, "grad": x.grad}


@probe(public=True, **TOL)
def swish_default(m):
    "Swish() on seeded inputs in [-20, 20]: output and input gradient"
    return _value_and_grad(m.Swish(), _x())


@probe(**TOL)
def swish_non_default_beta(m):
    "Swish(beta=1.7) and Swish(beta=0.4): outputs and input gradients"
    x = _x()
    return {"1.7": _value_and_grad(m.Swish(beta=1.7), x),
            "0.4": _value_and_grad(m.Swish(beta=0.4), x)}


def _names(module) -> dict:
    sd = module.state_dict()
    return {"parameters": [n for n, _ in module.named_parameters()],
            "buffers": [n for n, _ in module.named_buffers()],
            "state_dict": {k: list(v.shape) for k, v in sd.items()},
            "beta_dtype": str(sd["beta"].dtype) if "beta" in sd else None}


def _structure_judge(got, ref):
    for key in ("fixed", "learnable"):
        g, r = got[key], ref[key]
        what = f"Swish(learnable={key == 'learnable'})"
        if g["parameters"] != r["parameters"]:
            return (f"{what}: named_parameters() gives {g['parameters']}, expected "
                    f"{r['parameters']} (beta is an nn.Parameter only when learnable)")
        if g["buffers"] != r["buffers"]:
            return (f"{what}: named_buffers() gives {g['buffers']}, expected {r['buffers']} "
                    "(a fixed beta is a registered buffer)")
        if g["state_dict"] != r["state_dict"]:
            return (f"{what}: state_dict keys and shapes {g['state_dict']}, expected "
                    f"{r['state_dict']}")
        if g["beta_dtype"] != r["beta_dtype"]:
            return f"{what}: beta has dtype {g['beta_dtype']}, expected {r['beta_dtype']}"
    return None


@probe(judge=_structure_judge)
def swish_beta_registered(m):
    "beta is a parameter when learnable and a buffer otherwise; state_dict holds 'beta' of shape ()"
    return {"fixed": _names(m.Swish(beta=1.5)), "learnable": _names(m.Swish(beta=1.5, learnable=True))}


@probe(**TOL)
def swish_learnable_training(m):
    "learnable Swish loaded with beta=1.7 (strict): output, gradients of x and beta, beta after one SGD step"
    module = m.Swish(beta=1.0, learnable=True)
    module.load_state_dict({"beta": torch.tensor(1.7)}, strict=True)
    x = _x().requires_grad_()
    y = module(x)
    g = torch.linspace(-1.0, 1.0, y.numel()).reshape(y.shape)
    (y * g).sum().backward()
    grads = {n: p.grad for n, p in module.named_parameters()}
    torch.optim.SGD(module.parameters(), lr=0.1).step()
    return {"out": y, "x.grad": x.grad, "param grads": grads,
            "after step": {k: v.clone() for k, v in module.state_dict().items()}}


@probe(public=True, **TOL)
def gelu_exact(m):
    "GELU() (erf form) on seeded inputs in [-20, 20]: output and input gradient"
    return _value_and_grad(m.GELU(), _x())


@probe(**TOL)
def gelu_tanh(m):
    "GELU('tanh') on seeded inputs in [-20, 20]: output and input gradient (it differs from the exact form)"
    return _value_and_grad(m.GELU("tanh"), _x())


@probe
def gelu_rejects_unknown(m):
    "GELU('fast') raises ValueError"
    return raised(lambda: m.GELU("fast"))


@probe(public=True, **TOL)
def silu_values_and_grad(m):
    "silu on seeded inputs in [-20, 20]: output and input gradient"
    return _value_and_grad(m.silu, _x())


def _function_judge(got, ref):
    if got["grad_fn"] != ref["grad_fn"]:
        return (f"silu(x).grad_fn is {got['grad_fn']}, expected {ref['grad_fn']}: silu must "
                "return SiLUFunction.apply(x), whose backward you wrote")
    saved = got["saved"]
    if not isinstance(saved, list) or len(saved) != 1:
        n = len(saved) if isinstance(saved, list) else saved
        return f"SiLUFunction saved {n} tensor(s) for backward; expected exactly one, the input x"
    if compare(saved[0], got["x"], rtol=0, atol=0) is not None:
        return "the tensor SiLUFunction saved is not the input x (the statement asks for the input)"
    if got["gradcheck"] is not True:
        return ("torch.autograd.gradcheck failed in float64: the backward does not agree with "
                "finite differences of the forward")
    return compare(got["grad"], ref["grad"], path="grad")


@probe(judge=_function_judge)
def silu_custom_backward(m):
    "silu(x) goes through SiLUFunction: its grad_fn, the saved input, gradcheck (float64), the gradient"
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    y = m.silu(x)
    node = y.grad_fn
    saved = getattr(node, "saved_tensors", None)
    ok = torch.autograd.gradcheck(m.SiLUFunction.apply, (x.detach()[:2].clone().requires_grad_(),),
                                  raise_exception=False)
    y.backward(torch.linspace(-2.0, 2.0, 12, dtype=torch.float64).reshape(3, 4))
    return {"grad_fn": type(node).__name__ if node is not None else "None",
            "saved": None if saved is None else list(saved), "x": x, "grad": x.grad,
            "gradcheck": bool(ok)}


def _finite_judge(got, ref):
    for name, obs in got.items():
        for key in ("out", "grad"):
            t = obs[key]
            if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                    torch.isfinite(t).all()):
                i = int((~torch.isfinite(t)).nonzero()[0][0])
                return (f"{name}: the {'output' if key == 'out' else 'gradient'} is "
                        f"{float(t[i])} at x = {BIG[i]:g}; it must be finite")
    return compare(got, ref, **TOL)


@probe(judge=_finite_judge)
def large_inputs(m):
    "x = ±20, ±50, ±100 and ±1e4 (float32): outputs and gradients of all five are finite and correct"
    x = torch.tensor(BIG)
    return {"Swish()": _value_and_grad(m.Swish(), x),
            "Swish(beta=1.5)": _value_and_grad(m.Swish(beta=1.5), x),
            "GELU()": _value_and_grad(m.GELU(), x),
            "GELU('tanh')": _value_and_grad(m.GELU("tanh"), x),
            "silu": _value_and_grad(m.silu, x)}


@probe
def float64_kept(m):
    "float64 inputs give float64 outputs and gradients (Swish(beta=0.8), both GELUs, silu)"
    x = _x(16, torch.float64)
    return {"Swish(beta=0.8)": _value_and_grad(m.Swish(beta=0.8), x),
            "learnable Swish": _value_and_grad(m.Swish(beta=0.8, learnable=True), x),
            "GELU()": _value_and_grad(m.GELU(), x),
            "GELU('tanh')": _value_and_grad(m.GELU("tanh"), x),
            "silu": _value_and_grad(m.silu, x)}


@probe(**TOL)
def non_contiguous(m):
    "a transposed (non-contiguous) 5x7 input: outputs keep the shape (7, 5), gradients right"
    x = (torch.randn(5, 7) * 3).t()
    return {"Swish(beta=1.3)": _value_and_grad(m.Swish(beta=1.3), x),
            "GELU('tanh')": _value_and_grad(m.GELU("tanh"), x),
            "silu": _value_and_grad(m.silu, x)}


_BANNED = {"silu", "gelu", "SiLU", "GELU", "silu_", "gelu_"}


@source_probe
def written_by_hand(source):
    "the activations are written from primitives: no F.silu, F.gelu, nn.SiLU or nn.GELU"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, _BANNED)
    if found:
        return f"uses {found}; write the formulas from torch.sigmoid, torch.erf and torch.tanh"
    return None
