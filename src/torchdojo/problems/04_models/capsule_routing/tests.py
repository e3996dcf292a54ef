"""Probes for capsule_routing: squash (values, zero vectors and their gradient, lengths and
directions, dim, eps), dynamic_routing (v and the gradient of u_hat for several iteration
counts and edge shapes, compared with the reference; the input left alone; iters=0 rejected)
and margin_loss (value and gradient, default and other margins)."""

import math

import torch

from torchdojo.probes import compare, probe, raised

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _finite_then_compare(what: str):
    def judge(got, ref):
        for key, val in got.items():
            if isinstance(val, torch.Tensor) and val.is_floating_point() and \
                    not bool(torch.isfinite(val).all()):
                return (f"{what}: {key} has NaN/inf entries (zero vectors must give 0 and a "
                        "finite gradient: where does eps go?)")
        for key in ref:
            why = compare(got[key], ref[key], **TOL)
            if why:
                return f"{what}: {key}: {why}"
        return None

    return judge


def _with_grad(fn, x: torch.Tensor) -> dict:
    """fn(x) and the gradient of a seeded weighted sum of it with respect to x."""
    x = x.clone().requires_grad_(True)
    out = fn(x)
    w = torch.randn(out.shape, dtype=out.dtype, generator=torch.Generator().manual_seed(21))
    (out * w).sum().backward()
    return {"out": out.detach().clone(), "grad": x.grad}


# ---------------------------------------------------------------- squash

@probe(public=True, **TOL)
def squash_values(m):
    "squash of a seeded (4, 3, 8) tensor along the last dim, and of [[3, 4], [0, 0]]"
    return m.squash(torch.randn(4, 3, 8) * 2), m.squash(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))


@probe(judge=_finite_then_compare("squash with zero vectors"))
def squash_zero_vectors(m):
    "squash of a batch in which some vectors are exactly zero: output and gradient are finite and correct"
    s = torch.randn(5, 4)
    s[1] = 0
    s[3] = 0
    return _with_grad(m.squash, s)


def _lengths_judge(got, ref):
    out, s = got["out"], got["s"]
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(s.shape):
        return f"squash must keep the shape {tuple(s.shape)}, got {compare(out, ref['out'])}"
    n = out.double().norm(dim=-1)
    if not bool(torch.isfinite(n).all()):
        return "squash gave NaN/inf for vectors of lengths between 1e-3 and 1e3"
    if bool((n >= 1).any()):
        return f"squash gave a vector of length {float(n.max()):.6g}; lengths must stay below 1"
    cos = torch.nn.functional.cosine_similarity(out.double(), s.double(), dim=-1)
    if bool((cos < 1 - 1e-5).any()):
        return f"squash changed a vector's direction (cosine {float(cos.min()):.6g} with its input)"
    return compare(out, ref["out"], **TOL)


@probe(judge=_lengths_judge)
def squash_lengths_and_direction(m):
    "squash of vectors with lengths from 1e-3 to 1e3: lengths below 1, directions kept, values"
    direction = torch.nn.functional.normalize(torch.randn(13, 6), dim=-1)
    s = direction * torch.logspace(-3, 3, 13).unsqueeze(1)  # (13, 6)
    return {"out": m.squash(s), "s": s}


@probe(**TOL)
def squash_dim(m):
    "squash of a (3, 5, 2) tensor along dim=1 and along dim=0"
    s = torch.randn(3, 5, 2)
    return {"dim=1": m.squash(s, dim=1), "dim=0": m.squash(s, 0)}


@probe(**TOL)
def squash_eps(m):
    "squash with eps=0.1 on short vectors (eps sits inside the square root)"
    s = torch.randn(6, 3) * torch.tensor([0.02, 0.05, 0.1, 0.3, 1.0, 3.0]).unsqueeze(1)
    return m.squash(s, eps=0.1)


# ---------------------------------------------------------------- dynamic routing

def _routing_obs(m, shape, iters, dtype=torch.float32) -> dict:
    u_hat = torch.randn(shape, dtype=dtype)
    kept = u_hat.clone()
    x = u_hat.requires_grad_(True)
    v = m.dynamic_routing(x, iters)
    w = torch.randn(v.shape, dtype=v.dtype, generator=torch.Generator().manual_seed(22))
    (v * w).sum().backward()
    return {"v": v.detach().clone(), "grad": x.grad, "u_hat_after": x.detach().clone(),
            "dtype": str(v.dtype), "kept": kept}


def _obs_judge(got, ref):
    if got["dtype"] != ref["dtype"]:
        return f"v has dtype {got['dtype']}, expected {ref['dtype']} (the dtype of u_hat)"
    if compare(got["u_hat_after"], got["kept"], rtol=0, atol=0):
        return "dynamic_routing modified u_hat in place"
    for key, text in (("v", "v"), ("grad", "the gradient of u_hat")):
        g, r = got[key], ref[key]
        why = compare(g, r, **TOL)
        if why:
            hint = ""
            if key == "v" and isinstance(g, torch.Tensor) and g.shape == r.shape:
                u = got["kept"].double()
                uniform_in = u.mean(dim=1)  # softmax over the inputs at iteration 1
                sq = (uniform_in ** 2).sum(-1, keepdim=True)
                guess = sq / (1 + sq) * uniform_in / torch.sqrt(sq + 1e-8)
                if compare(g.double(), guess, **TOL) is None:
                    hint = (" (v equals squash of the MEAN over the inputs: the couplings must "
                            "be a softmax over the outputs, c = 1/n_out at the start)")
            if key == "grad" and compare(got["v"], ref["v"], **TOL) is None:
                hint = (" (v is right but its gradient is not: only the last iteration's "
                        "weighted sum may carry gradient to u_hat)")
            return f"{text}: {why}{hint}"
    return None


@probe(public=True, judge=_obs_judge)
def routing_one_iteration(m):
    "dynamic_routing(u_hat (2, 6, 3, 4), iters=1): v and the gradient of u_hat"
    return _routing_obs(m, (2, 6, 3, 4), 1)


@probe(judge=_obs_judge)
def routing_three_iterations(m):
    "dynamic_routing(u_hat (2, 6, 3, 4), iters=3): v, the gradient of u_hat, u_hat unchanged"
    return _routing_obs(m, (2, 6, 3, 4), 3)


@probe(judge=_obs_judge)
def routing_two_iterations(m):
    "dynamic_routing(u_hat (3, 5, 4, 3), iters=2): v and the gradient of u_hat"
    return _routing_obs(m, (3, 5, 4, 3), 2)


@probe(judge=_obs_judge)
def routing_five_iterations(m):
    "dynamic_routing(u_hat (2, 8, 3, 5), iters=5): v and the gradient of u_hat"
    return _routing_obs(m, (2, 8, 3, 5), 5)


@probe(judge=_obs_judge)
def routing_batch_one_float64(m):
    "batch size 1, float64: dynamic_routing(u_hat (1, 7, 2, 3), iters=3) keeps the dtype"
    return _routing_obs(m, (1, 7, 2, 3), 3, torch.float64)


@probe(judge=_obs_judge)
def routing_single_output(m):
    "a single output capsule: dynamic_routing(u_hat (2, 4, 1, 3), iters=2)"
    return _routing_obs(m, (2, 4, 1, 3), 2)


@probe
def routing_rejects_zero_iters(m):
    "dynamic_routing(u_hat, iters=0) raises the exception the statement names"
    return raised(lambda: m.dynamic_routing(torch.randn(1, 3, 2, 2), 0))


# ---------------------------------------------------------------- margin loss

def _margin_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        loss = g["loss"]
        if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
            return f"{case}: margin_loss must return a 0-dim tensor, got {compare(loss, r['loss'])}"
        if not math.isfinite(float(loss)):
            return f"{case}: the loss is not finite"
        for key, text in (("loss", "the loss"), ("grad", "the gradient of lengths")):
            why = compare(g[key], r[key], **TOL)
            if why:
                return f"{case}: {text}: {why}"
    return None


def _margin(m, b, c, **kw) -> dict:
    g = torch.Generator().manual_seed(100 * b + c)
    lengths = torch.rand(b, c, generator=g).requires_grad_(True)
    labels = torch.randint(0, c, (b,), generator=g)
    loss = m.margin_loss(lengths, labels, **kw)
    loss.backward()
    return {"loss": loss.detach().clone(), "grad": lengths.grad}


@probe(public=True, judge=_margin_judge)
def margin_defaults(m):
    "margin_loss with the default margins on seeded lengths (8, 5): value and gradient"
    return {"defaults (8, 5)": _margin(m, 8, 5)}


@probe(judge=_margin_judge)
def margin_other_parameters(m):
    "margin_loss with m_pos=0.8, m_neg=0.3, lam=0.25, and a batch of 1"
    return {"m_pos=0.8, m_neg=0.3, lam=0.25 (6, 4)":
            _margin(m, 6, 4, m_pos=0.8, m_neg=0.3, lam=0.25),
            "lam=2.0, batch 1 (1, 10)": _margin(m, 1, 10, lam=2.0)}
