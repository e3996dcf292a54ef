"""Probes for custom_sigmoid_function: forward values, gradients, gradcheck, what is saved."""

import torch

from torchdojo.probes import compare, probe


@probe(public=True)
def forward_float32(m):
    "my_sigmoid of a seeded 3x5 float32 tensor matches torch.sigmoid (values, shape, dtype)"
    x = torch.randn(3, 5) * 4
    return m.my_sigmoid(x)


@probe
def forward_float64(m):
    "my_sigmoid keeps float64 and matches torch.sigmoid to float64 precision"
    x = torch.randn(2, 3, 4, dtype=torch.float64) * 4
    return m.my_sigmoid(x)


@probe(public=True)
def gradient_with_upstream(m):
    "x.grad after my_sigmoid(x).backward(g) with a non-uniform upstream gradient g"
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    g = torch.randn(3, 4, dtype=torch.float64)
    m.my_sigmoid(x).backward(g)
    return x.grad


def _gradcheck_judge(got, ref):
    if got["gradcheck"] is not True:
        return ("torch.autograd.gradcheck returned False: the backward does not agree with "
                "finite differences of the forward")
    return compare(got["grad"], ref["grad"], path="grad")


@probe(judge=_gradcheck_judge)
def gradcheck_float64(m):
    "torch.autograd.gradcheck passes on float64 inputs, and the gradient matches the reference's"
    x = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    ok = torch.autograd.gradcheck(m.my_sigmoid, (x,), raise_exception=False)
    g = torch.linspace(-2.0, 3.0, 6, dtype=torch.float64).reshape(2, 3)
    m.my_sigmoid(x).backward(g)
    return {"gradcheck": bool(ok), "grad": x.grad}


def _saved_output_judge(got, ref):
    saved = got["saved"]
    if saved is None:
        return ("the output has no custom-Function backward node (y.grad_fn.saved_tensors is "
                "missing): use a torch.autograd.Function and ctx.save_for_backward")
    if len(saved) != 1:
        return f"expected exactly one saved tensor (the output), got {len(saved)}"
    if compare(saved[0], got["output"]) is not None:
        return "the saved tensor is not the forward's output (was the input saved instead?)"
    return compare(got["output"], ref["output"], path="output")


@probe(judge=_saved_output_judge)
def saves_output(m):
    "exactly one tensor is saved for backward, and it is the forward's output"
    x = torch.randn(6, requires_grad=True)
    y = m.my_sigmoid(x)
    saved = getattr(y.grad_fn, "saved_tensors", None)
    return {"saved": None if saved is None else list(saved), "output": y}


def _finite_judge(got, ref):
    for key in ("grad32", "grad64", "y32", "y64"):
        t = got[key]
        if not bool(torch.isfinite(t).all()):
            i = int((~torch.isfinite(t)).nonzero()[0][0])
            x = ref["x"][key[-2:]][i]
            return f"{key} has a non-finite value ({float(t[i])}) at index {i} (input x = {x:g})"
    return compare({k: got[k] for k in ("y32", "grad32", "y64", "grad64")},
                   {k: ref[k] for k in ("y32", "grad32", "y64", "grad64")})


@probe(judge=_finite_judge)
def large_inputs_stable(m):
    "x = ±100 (float32) and ±1000 (float64): outputs and gradients are finite and correct"
    x32 = torch.tensor([-100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0], requires_grad=True)
    x64 = torch.tensor([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0], dtype=torch.float64,
                       requires_grad=True)
    y32, y64 = m.my_sigmoid(x32), m.my_sigmoid(x64)
    y32.backward(torch.ones_like(y32))
    y64.backward(torch.ones_like(y64))
    return {"y32": y32, "grad32": x32.grad, "y64": y64, "grad64": x64.grad,
            "x": {"32": x32.tolist(), "64": x64.tolist()}}


@probe
def no_in_place_writes(m):
    "input and upstream gradient are left unchanged; a gradient shared with another branch is right"
    x = torch.randn(5, dtype=torch.float64)
    m.my_sigmoid(x)
    a = torch.randn(5, dtype=torch.float64, requires_grad=True)
    g = torch.linspace(-1.0, 2.0, 5, dtype=torch.float64)
    m.my_sigmoid(a).backward(g)
    # y + b: the sum's backward hands the same upstream gradient to both branches
    b = torch.randn(5, dtype=torch.float64, requires_grad=True)
    (m.my_sigmoid(b) + b).backward(g.clone())
    return {"input after forward": x, "upstream gradient after backward": g,
            "grad of sigmoid(b) + b": b.grad}
