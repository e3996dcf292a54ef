"""Probes for clip_grad_norm: returned norm and clipped gradients against clip_grad_norm_."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _params(scale, shapes=((4, 3), (5,), (2, 2)), with_grad=None):
    """Leaf tensors with seeded gradients of the given scale (None where with_grad says so)."""
    params = []
    for i, shape in enumerate(shapes):
        p = torch.randn(shape, requires_grad=True)
        if with_grad is None or with_grad[i]:
            p.grad = torch.randn(shape) * scale
        params.append(p)
    return params


def _clones(params):
    out = []
    for p in params:
        q = p.detach().clone().requires_grad_(True)
        q.grad = None if p.grad is None else p.grad.clone()
        out.append(q)
    return out


def _grads(params):
    return [None if p.grad is None else p.grad.clone() for p in params]


def _case(m, params, max_norm):
    """The learner's clip on params, torch's clip_grad_norm_ on clones of them."""
    twins = _clones(params)
    norm = m.clip_grad_norm(params, max_norm)
    torch_norm = torch.nn.utils.clip_grad_norm_(twins, max_norm)
    return {"norm": norm, "grads": _grads(params),
            "torch_norm": float(torch_norm), "torch_grads": _grads(twins)}


def _against_torch(got, ref):
    """Learner vs clip_grad_norm_ as computed in the reference run."""
    if not isinstance(got["norm"], float):
        return f"the returned norm must be a Python float, got {type(got['norm']).__name__}"
    msg = compare(got["norm"], ref["torch_norm"])
    if msg:
        return f"returned norm (before clipping) differs from clip_grad_norm_: {msg}"
    for i, (g, r) in enumerate(zip(got["grads"], ref["torch_grads"], strict=True)):
        if (g is None) != (r is None):
            want = "None" if r is None else "a tensor"
            return f"parameter {i}: .grad should be {want}, got {g!r:.40}"
        if g is not None:
            msg = compare(g, r)
            if msg:
                return f"gradient of parameter {i} differs from clip_grad_norm_: {msg}"
    return None


@probe(public=True, judge=_against_torch)
def clips_large_grads(m):
    "three tensors with large seeded gradients, max_norm=1.0"
    return _case(m, _params(10.0), 1.0)


@probe(judge=_against_torch)
def small_grads_untouched(m):
    "gradients whose global norm is already below max_norm=1.0 are left as they are"
    return _case(m, _params(0.05), 1.0)


@probe(judge=_against_torch)
def different_sizes(m):
    "tensors with very different gradient norms share one scale factor (max_norm=2.0)"
    params = _params(1.0, shapes=((6, 4), (3,), (8,)))
    params[0].grad *= 20.0
    return _case(m, params, 2.0)


@probe(judge=_against_torch)
def skips_missing_grads(m):
    "a parameter with .grad None is skipped and keeps .grad None"
    return _case(m, _params(5.0, with_grad=(True, False, True)), 0.5)


def _no_grads(got, ref):
    if not isinstance(got, float):
        return f"expected the float 0.0 when no parameter has a gradient, got {got!r:.40}"
    return compare(got, ref)


@probe(judge=_no_grads)
def no_grads_at_all(m):
    "no parameter has a gradient: returns 0.0"
    return m.clip_grad_norm(_params(1.0, with_grad=(False, False, False)), 1.0)


def _generator_case(got, ref):
    msg = _against_torch(got, ref)
    if msg:
        return msg
    if not all(got["same_objects"]):
        i = got["same_objects"].index(False)
        return f"parameter {i}: .grad was replaced by a new tensor; clip it in place"
    return None


@probe(judge=_generator_case)
def generator_and_in_place(m):
    "model.parameters() (a generator) after a real backward, max_norm=0.5; .grad edited in place"
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
    (model(torch.randn(8, 5)) * 30).sum().backward()
    params = list(model.parameters())
    twins = _clones(params)
    before = [p.grad for p in params]
    norm = m.clip_grad_norm(model.parameters(), 0.5)
    torch_norm = torch.nn.utils.clip_grad_norm_(twins, 0.5)
    return {"norm": norm, "grads": _grads(params),
            "torch_norm": float(torch_norm), "torch_grads": _grads(twins),
            "same_objects": [p.grad is b for p, b in zip(params, before, strict=True)]}


def _eps_judge(got, ref):
    msg = compare(got["norm"], ref["norm"])
    if msg:
        return f"wrong returned norm: {msg}"
    msg = compare(got["grads"], ref["grads"])
    return f"with eps=0.5 the scale must be max_norm / (norm + eps): {msg}" if msg else None


@probe(judge=_eps_judge)
def eps_is_used(m):
    "with eps=0.5 the factor is max_norm / (norm + eps)"
    params = _params(2.0)
    norm = m.clip_grad_norm(params, 1.0, eps=0.5)
    return {"norm": norm, "grads": _grads(params)}


@probe(judge=_eps_judge)
def factor_decides_not_norm(m):
    "eps=0.5 and a norm just below max_norm: clipped because max_norm / (norm + eps) < 1"
    params = _params(1.0)
    total = float(torch.linalg.vector_norm(torch.cat([p.grad.reshape(-1) for p in params])))
    norm = m.clip_grad_norm(params, total + 0.2, eps=0.5)
    return {"norm": norm, "grads": _grads(params)}


@probe(judge=_against_torch)
def non_contiguous_grads(m):
    "gradients that are transposed or strided views (max_norm=1.0)"
    a = torch.randn(3, 4, requires_grad=True)
    a.grad = (torch.randn(4, 3) * 5).t()  # (3, 4), not contiguous
    b = torch.randn(5, requires_grad=True)
    b.grad = (torch.randn(10) * 5)[::2]  # (5,), stride 2
    return _case(m, [a, b], 1.0)
