"""Probes for dropout_from_scratch: statistics of the mask over 10^6 elements (fraction of zeros,
kept values x / (1 - p), mean preserved), eval mode, p = 0 and p = 1, the gradient, the input left
alone, a fresh mask per call drawn from torch's global generator, ValueError for a bad p, and a
source check that torch's dropout is not called.

The mask is random, so most judges check properties of the learner's output against the input,
which they rebuild here from the same seeded generator; eval mode, p = 0, p = 1 and the errors
are compared with the reference's observation."""

import torch
from torch import nn

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

BANNED = {
    "dropout", "Dropout", "dropout_", "native_dropout", "_fused_dropout", "fused_dropout",
    "feature_dropout", "feature_dropout_", "alpha_dropout", "alpha_dropout_", "AlphaDropout",
    "feature_alpha_dropout", "FeatureAlphaDropout", "dropout1d", "dropout2d", "dropout3d",
    "Dropout1d", "Dropout2d", "Dropout3d",
}


def _input(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Seeded input with values in [0.5, 1.5): never zero, so a zero in the output is a drop."""
    g = torch.Generator().manual_seed(seed)
    return (0.5 + torch.rand(shape, generator=g, dtype=torch.float64)).to(dtype)


def _check_dropped(out, x: torch.Tensor, p: float, band: float, mean_band: float, what: str
                   ) -> str | None:
    """Zero fraction within band of p, kept values x / (1 - p), mean preserved within mean_band.
    The bands are about six standard deviations of the sampling noise or more."""
    if not isinstance(out, torch.Tensor):
        return f"{what}: expected a tensor, got {type(out).__name__}"
    if tuple(out.shape) != tuple(x.shape) or out.dtype != x.dtype:
        return (f"{what}: expected shape {tuple(x.shape)} and dtype {x.dtype}, got "
                f"{tuple(out.shape)} and {out.dtype}")
    if not bool(torch.isfinite(out).all()):
        return f"{what}: the output has NaN or inf"
    dropped = out == 0
    frac = dropped.double().mean().item()
    if abs(frac - p) > band:
        return (f"{what}: {frac:.4f} of the elements are zero; with p={p} expected "
                f"{p} +- {band} (an element must be zeroed with probability p)")
    kept = ~dropped
    want = x[kept].double() / (1 - p)
    bad = ~torch.isclose(out[kept].double(), want, rtol=1e-6, atol=0)
    if bool(bad.any()):
        i = int(bad.nonzero()[0])
        return (f"{what}: {int(bad.sum())} kept element(s) are not x / (1 - p); e.g. x="
                f"{x[kept][i].item():.6g} gave {out[kept][i].item():.6g}, expected "
                f"{want[i].item():.6g}")
    ratio = out.double().mean().item() / x.double().mean().item()
    if abs(ratio - 1) > mean_band:
        return (f"{what}: the mean of the output is {ratio:.4f} times the mean of the input; "
                f"inverted dropout keeps the expected value (within {mean_band:.1%})")
    return None


def _stats_judge(cases):
    def judge(got, ref):
        for key, (shape, seed, dtype, p, band, mean_band) in cases.items():
            msg = _check_dropped(got.get(key) if isinstance(got, dict) else got,
                                 _input(shape, seed, dtype), p, band, mean_band, key)
            if msg:
                return msg
        return None

    return judge


# name: (shape, seed, dtype, p, band for the zero fraction, band for the mean ratio)
_STATS = {"p=0.3, 1000x1000": ((1000, 1000), 1, torch.float32, 0.3, 0.005, 0.01)}
_STATS_07 = {"p=0.7, 1000x1000": ((1000, 1000), 2, torch.float32, 0.7, 0.005, 0.01)}
_SHAPES = {"p=0.2, float64 (300, 400)": ((300, 400), 3, torch.float64, 0.2, 0.01, 0.012),
           "p=0.4, float32 (16, 3, 32, 32)": ((16, 3, 32, 32), 4, torch.float32, 0.4, 0.015,
                                              0.025)}


def _train_out(m, cases) -> dict:
    out = {}
    for key, (shape, seed, dtype, p, _band, _mean_band) in cases.items():
        drop = m.MyDropout(p)
        drop.train()
        out[key] = drop(_input(shape, seed, dtype)).detach()
    return out


@probe(public=True, judge=_stats_judge(_STATS))
def statistics_p03(m):
    "p=0.3 on 10^6 elements: fraction of zeros, kept values x / (1 - p), mean preserved"
    return _train_out(m, _STATS)


@probe(judge=_stats_judge(_STATS_07))
def statistics_p07(m):
    "p=0.7 on 10^6 elements: fraction of zeros, kept values x / (1 - p), mean preserved"
    return _train_out(m, _STATS_07)


@probe(judge=_stats_judge(_SHAPES))
def shapes_and_dtypes(m):
    "a float64 (300, 400) and a float32 (16, 3, 32, 32) input: shape, dtype and the same properties"
    return _train_out(m, _SHAPES)


def _exact(messages):
    def judge(got, ref):
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        for key, text in messages.items():
            msg = compare(got.get(key), ref[key], rtol=0, atol=0)
            if msg:
                return f"{text}: {msg}"
        return None

    return judge


@probe(public=True, judge=_exact({
    "module.eval()": "eval mode must return x unchanged",
    "Sequential.eval()": "eval mode (set through nn.Sequential(...).eval()) must return x unchanged",
    "float64 eval": "eval mode must return x unchanged (float64)",
}))
def eval_is_identity(m):
    "in eval mode the output equals x exactly"
    x = _input((64, 50), 5)
    drop = m.MyDropout(0.5)
    drop.eval()
    seq = nn.Sequential(nn.Identity(), m.MyDropout(0.3))
    seq.eval()
    return {"module.eval()": drop(x).detach().clone(), "Sequential.eval()": seq(x).detach().clone(),
            "float64 eval": drop(_input((7, 3), 6, torch.float64)).detach().clone()}


@probe(judge=_exact({
    "p=0 output": "p=0 in train mode must return x's values",
    "p=1 output": "p=1 in train mode must return zeros (no NaN)",
    "p=1 gradient": "with p=1 the gradient of x must be all zeros (not NaN, not missing)",
}))
def p_zero_and_one(m):
    "train mode: p=0 returns x's values, p=1 returns zeros with a zero gradient"
    x = _input((30, 40), 7)
    p0 = m.MyDropout(0.0)(x).detach().clone()
    x1 = x.clone().requires_grad_()
    y1 = m.MyDropout(1.0)(x1)
    y1.sum().backward()
    return {"p=0 output": p0, "p=1 output": y1.detach().clone(), "p=1 gradient": x1.grad}


def _grad_judge(got, ref):
    p, out, grad, w = got["p"], got["out"], got["grad"], got["w"]
    x = _input((40, 50), 8)
    msg = _check_dropped(out, x, p, 0.06, 0.1, "output")
    if msg:
        return msg
    if not isinstance(grad, torch.Tensor) or tuple(grad.shape) != tuple(x.shape):
        return f"the gradient of x is missing or has the wrong shape (got {type(grad).__name__})"
    want = torch.where(out == 0, torch.zeros_like(w), w / (1 - p))
    if not torch.allclose(grad.double(), want.double(), rtol=1e-5, atol=1e-7):
        bad = ~torch.isclose(grad.double(), want.double(), rtol=1e-5, atol=1e-7)
        i = tuple(int(j) for j in bad.nonzero()[0])
        where = "a dropped" if bool(out[i] == 0) else "a kept"
        return (f"the gradient of x is not the mask times 1 / (1 - p): at {i} ({where} element) "
                f"expected {want[i].item():.6g}, got {grad[i].item():.6g}")
    return None


@probe(judge=_grad_judge)
def gradient_is_scaled_mask(m):
    "p=0.25: the gradient of a seeded loss w.r.t. x is zero where dropped, w / (1 - p) where kept"
    p = 0.25
    x = _input((40, 50), 8).requires_grad_()
    y = m.MyDropout(p)(x)
    w = torch.randn(40, 50, generator=torch.Generator().manual_seed(9))
    (y * w).sum().backward()
    return {"p": p, "out": y.detach().clone(), "grad": x.grad, "w": w}


def _unchanged_judge(got, ref):
    for key, (before, after) in got.items():
        if compare(after, before, rtol=0, atol=0):
            return f"{key}: the input tensor was modified in place; return a new tensor"
    return None


@probe(judge=_unchanged_judge)
def input_unchanged(m):
    "the input tensor is left unchanged (no in-place operation on x)"
    x = _input((20, 30), 10)
    before = x.clone()
    m.MyDropout(0.5)(x)
    x4 = _input((2, 3, 4, 5), 11)
    before4 = x4.clone()
    m.MyDropout(0.9)(x4)
    return {"(20, 30), p=0.5": (before, x.clone()), "(2, 3, 4, 5), p=0.9": (before4, x4.clone())}


def _fresh_judge(got, ref):
    a, b, c, d = got["seed 123"], got["seed 123 again"], got["seed 7"], got["second call"]
    for t in (a, b, c, d):
        if not isinstance(t, torch.Tensor) or tuple(t.shape) != (1000,):
            return "expected outputs of shape (1000,)"
    same = ((a == 0) == (d == 0)).double().mean().item()
    if same > 0.9:
        return (f"two calls in a row dropped the same elements ({same:.0%} of the mask agrees): "
                "draw a fresh mask on every call")
    if not torch.equal(a, b):
        return ("after the same torch.manual_seed(123) the outputs differ: draw the mask from "
                "torch's global random generator (torch.rand_like / bernoulli_)")
    if torch.equal(a, c):
        return ("torch.manual_seed(7) and torch.manual_seed(123) gave the same mask: do not "
                "reseed, cache a mask, or use a private generator")
    return None


@probe(judge=_fresh_judge)
def fresh_mask_from_torch_rng(m):
    "a new mask on every call, reproducible with torch.manual_seed, different for another seed"
    x = _input((1000,), 12)
    drop = m.MyDropout(0.5)
    torch.manual_seed(123)
    a = drop(x).detach().clone()
    d = drop(x).detach().clone()
    torch.manual_seed(123)
    b = drop(x).detach().clone()
    torch.manual_seed(7)
    c = drop(x).detach().clone()
    return {"seed 123": a, "seed 123 again": b, "seed 7": c, "second call": d}


@probe
def bad_p_rejected(m):
    "MyDropout(p) raises ValueError for p < 0 or p > 1 and accepts 0, 0.5 and 1"
    return {str(p): raised(lambda p=p: m.MyDropout(p)) for p in (-0.1, 1.1, 2.0, -1.0, 0.0, 0.5, 1.0)}


@probe
def no_state(m):
    "the module has no parameters and no buffers, and stores p as self.p"
    drop = m.MyDropout(0.35)
    return {"parameters": [n for n, _ in drop.named_parameters()],
            "buffers": [n for n, _ in drop.named_buffers()],
            "p": getattr(drop, "p", None)}


@source_probe
def no_torch_dropout(source):
    "the source calls none of torch's dropout functions or layers"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, BANNED)
    if found:
        return (f"found {found}: draw the mask yourself (torch.rand_like or bernoulli_) instead "
                "of calling torch's dropout")
    return None
