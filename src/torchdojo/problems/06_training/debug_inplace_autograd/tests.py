"""Probes for debug_inplace_autograd: outputs and gradients of GatedMLP with seeded weights (also
the input's gradient, from a leaf and through a non-leaf), standardize's values, that inputs are
not modified, one sgd_step (values, leaf status, requires_grad, grad_fn, .grad) and three
training steps with the learner's model and sgd_step."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
KEYS = ("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias")


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _model(m, g, f: int, hid: int):
    model = m.GatedMLP(f, hid)
    shapes = {"fc1.weight": (2 * hid, f), "fc1.bias": (2 * hid,), "fc2.weight": (1, hid),
              "fc2.bias": (1,)}
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.6 for k, s in shapes.items()},
                          strict=True)
    return model


def _x(g, n: int, f: int, dtype=torch.float32) -> torch.Tensor:
    return (torch.randn(n, f, generator=g) * 2 + 0.5).to(dtype)


def _grads(model) -> dict:
    return {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}


def _grad_judge(got, ref):
    msg = compare(got["out"], ref["out"], **TOL)
    if msg:
        return f"the model's output differs: {msg}"
    for n, r in ref["grads"].items():
        gg = got["grads"].get(n)
        if gg is None:
            return f"parameter {n} got no gradient"
        msg = compare(gg, r, **TOL)
        if msg:
            return f"gradient of {n} differs: {msg}"
    if "x_grad" in ref:
        if got["x_grad"] is None:
            return "the input requires grad but got no gradient (was it detached?)"
        msg = compare(got["x_grad"], ref["x_grad"], **TOL)
        if msg:
            return f"gradient of the input differs: {msg}"
    return None


@probe(public=True, judge=_grad_judge)
def parameter_gradients(m):
    "GatedMLP(5, 4), seeded weights, 8 samples: output and the gradient of every parameter"
    g = _gen(1)
    model = _model(m, g, 5, 4)
    x = _x(g, 8, 5)
    out = model(x)
    (out.squeeze(-1) * torch.linspace(-1, 1, 8)).sum().backward()
    return {"out": out.detach(), "grads": _grads(model)}


@probe(judge=_grad_judge)
def input_gradient_leaf(m):
    "an input that requires grad (a leaf): the gradients of the parameters and of the input"
    g = _gen(2)
    model = _model(m, g, 3, 6)
    x = _x(g, 7, 3).requires_grad_(True)
    out = model(x)
    out.pow(2).sum().backward()
    return {"out": out.detach(), "grads": _grads(model), "x_grad": x.grad}


@probe(judge=_grad_judge)
def input_gradient_through_nonleaf(m):
    "an input computed from a leaf (features = 3 * raw - 1): the gradient reaches the leaf"
    g = _gen(3)
    model = _model(m, g, 4, 3)
    raw = _x(g, 6, 4).requires_grad_(True)
    out = model(raw * 3 - 1)
    (out.squeeze(-1) * torch.arange(6.0)).sum().backward()
    return {"out": out.detach(), "grads": _grads(model), "x_grad": raw.grad}


@probe(public=True, **TOL)
def standardize_values(m):
    "standardize on a (6, 3) batch and on a float64 (5, 2) batch with eps=0.1"
    g = _gen(4)
    return [m.standardize(_x(g, 6, 3)), m.standardize(_x(g, 5, 2, torch.float64), eps=0.1)]


def _mutation_judge(got, ref):
    for key, what in (("after_standardize", "standardize(x)"), ("after_model", "model(x)")):
        msg = compare(got[key], got["before"], rtol=0.0, atol=0.0)
        if msg:
            return f"{what} modified its input x: {msg}"
    msg = compare(got["before"], ref["before"], rtol=0.0, atol=0.0)
    if msg:
        return f"could not reproduce the test's input: {msg}"
    msg = compare(got["out"], ref["out"], **TOL)
    return f"the model's output differs: {msg}" if msg else None


@probe(judge=_mutation_judge)
def inputs_not_modified(m):
    "a batch without grad goes through standardize and the model: the batch must not change"
    g = _gen(5)
    model = _model(m, g, 4, 2)
    x = _x(g, 5, 4)
    before = x.clone()
    m.standardize(x)
    after_standardize = x.clone()
    with torch.no_grad():
        out = model(x)
    return {"before": before, "after_standardize": after_standardize, "after_model": x.clone(),
            "out": out}


def _step_judge(got, ref):
    for n, r in ref["params"].items():
        msg = compare(got["params"].get(n), r, **TOL)
        if msg:
            return (f"parameter {n} after sgd_step differs (the model's own tensors must be "
                    f"updated in place): {msg}")
    for key in ("is_leaf", "requires_grad", "grad_fn_none"):
        if got[key] != ref[key]:
            return f"after sgd_step, {key} of the parameters should be {ref[key]}, got {got[key]}"
    for n, r in ref["grads"].items():
        msg = compare(got["grads"].get(n), r, rtol=0.0, atol=0.0)
        if msg:
            return f"sgd_step changed the gradient of {n}; leave .grad as it was: {msg}"
    return None


@probe(judge=_step_judge)
def one_sgd_step(m):
    "one sgd_step(model.parameters(), lr=0.1) with seeded gradients; fc2.bias has no gradient"
    g = _gen(6)
    model = _model(m, g, 3, 2)
    for n, p in model.named_parameters():
        p.grad = None if n == "fc2.bias" else torch.randn(p.shape, generator=g)
    m.sgd_step(model.parameters(), 0.1)
    named = dict(model.named_parameters())
    return {"params": {n: p.detach().clone() for n, p in named.items()},
            "is_leaf": [named[k].is_leaf for k in KEYS],
            "requires_grad": [named[k].requires_grad for k in KEYS],
            "grad_fn_none": [named[k].grad_fn is None for k in KEYS],
            "grads": {n: p.grad.clone() for n, p in named.items() if p.grad is not None}}


def _train_judge(got, ref):
    msg = compare(got["losses"], ref["losses"], **TOL)
    if msg:
        return f"the losses of the three training steps differ: {msg}"
    for n, r in ref["params"].items():
        msg = compare(got["params"].get(n), r, **TOL)
        if msg:
            return f"parameter {n} after three training steps differs: {msg}"
    return None


@probe(judge=_train_judge)
def three_training_steps(m):
    "3 steps of forward, MSE loss, backward, sgd_step(lr=0.05), clearing the gradients"
    g = _gen(7)
    model = _model(m, g, 4, 3)
    x, y = _x(g, 10, 4), torch.randn(10, 1, generator=g)
    losses = []
    for _ in range(3):
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        m.sgd_step(model.parameters(), 0.05)
        for p in model.parameters():
            p.grad = None
        losses.append(loss.detach())
    return {"losses": torch.stack(losses),
            "params": {n: p.detach().clone() for n, p in model.named_parameters()}}
