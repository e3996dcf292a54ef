"""Probes for linear_init: shapes, zero bias, trainable leaf parameters, the weight distribution
(judged statistically: mean, std, and the share of weights within one std), and that the weights
come from PyTorch's global random generator (same seed, same weights; other seed, other weights).

Weights are not compared value by value with the reference: a correct solution may consume the
random stream in another order (for example building the layer with bias=False first).
"""

import math

import torch
from torch import nn

from torchdojo.probes import probe

# P(|Z| < 1) for a standard normal Z; a uniform distribution with the same std gives 0.577.
_WITHIN_ONE_STD = math.erf(1 / math.sqrt(2))


def _judge_fields(got, ref):
    for key, want in ref.items():
        if got.get(key) != want:
            return f"{key}: expected {want}, got {got.get(key)}"
    return None


def _normal_with_std(std):
    """A judge: the weight looks like N(0, std^2) samples (tolerances far beyond sampling noise)."""

    def judge(got, ref):
        if not isinstance(got, torch.Tensor):
            return f"expected the weight tensor, got {type(got).__name__}"
        if tuple(got.shape) != tuple(ref.shape):
            return f"weight shape: expected {tuple(ref.shape)}, got {tuple(got.shape)}"
        if got.dtype != ref.dtype:
            return f"weight dtype: expected {ref.dtype}, got {got.dtype}"
        w = got.double().flatten()
        n = w.numel()
        mean, sd = w.mean().item(), w.std().item()
        mean_tol = 10 * std / math.sqrt(n)
        if abs(mean) > mean_tol:
            return f"weight mean: expected 0 (|mean| <= {mean_tol:.1e}), got {mean:.3g}"
        if abs(sd / std - 1) > 0.02:
            return f"weight std: expected {std:g} (within 2%), got {sd:.4g}"
        inside = (w.abs() < std).double().mean().item()
        if abs(inside - _WITHIN_ONE_STD) > 0.01:
            return (f"share of weights within one std of 0: expected {_WITHIN_ONE_STD:.3f} "
                    f"(normal distribution), got {inside:.3f}")
        return None

    return judge


def _judge_seeded(got, ref):
    if not got["same_seed_same_weights"]:
        return ("two calls after torch.manual_seed(123) gave different weights: "
                "draw from PyTorch's global random generator")
    if got["other_seed_same_weights"]:
        return ("torch.manual_seed(7) and torch.manual_seed(123) gave the same weights: "
                "do not reseed or use a private generator inside make_linear")
    return None


@probe(public=True, judge=_judge_fields)
def shapes(m):
    "make_linear(3, 5) is an nn.Linear with weight (5, 3) and bias (5,)"
    layer = m.make_linear(3, 5)
    bias = getattr(layer, "bias", None)
    return {"is nn.Linear": isinstance(layer, nn.Linear),
            "in_features": getattr(layer, "in_features", None),
            "out_features": getattr(layer, "out_features", None),
            "weight shape": tuple(layer.weight.shape),
            "bias shape": tuple(bias.shape) if isinstance(bias, torch.Tensor) else None}


@probe(public=True)
def bias_is_zero(m):
    "make_linear(20, 10).bias is all zeros"
    return m.make_linear(20, 10).bias


@probe(judge=_judge_fields)
def trainable_leaves(m):
    "weight and bias are leaf nn.Parameters that require grad (no grad_fn)"
    layer = m.make_linear(4, 3)
    out = {}
    for name in ("weight", "bias"):
        p = getattr(layer, name)
        out[f"{name} is an nn.Parameter"] = isinstance(p, nn.Parameter)
        out[f"{name}.requires_grad"] = bool(p.requires_grad)
        out[f"{name}.grad_fn is None"] = p.grad_fn is None
    out["number of parameters"] = len(list(layer.parameters()))
    return out


@probe(judge=_normal_with_std(0.02))
def weight_distribution_default(m):
    "make_linear(1000, 1000): weight mean ~ 0, std ~ 0.02 (2%), normal-shaped"
    return m.make_linear(1000, 1000).weight


@probe(judge=_normal_with_std(0.1))
def weight_distribution_std(m):
    "make_linear(400, 300, std=0.1): weight std ~ 0.1 (2%), normal-shaped"
    return m.make_linear(400, 300, std=0.1).weight


@probe(judge=_judge_seeded)
def seeded_reproducible(m):
    "the same torch.manual_seed gives the same weights; another seed gives other weights"
    torch.manual_seed(123)
    w1 = m.make_linear(8, 6).weight.detach().clone()
    torch.manual_seed(123)
    w2 = m.make_linear(8, 6).weight.detach().clone()
    torch.manual_seed(7)
    w3 = m.make_linear(8, 6).weight.detach().clone()
    return {"same_seed_same_weights": torch.equal(w1, w2),
            "other_seed_same_weights": torch.equal(w1, w3)}


@probe(judge=_judge_fields)
def grad_mode_untouched(m):
    "the global autograd mode is the same after the call as before (on, and off)"
    out = {}
    try:
        for enabled in (True, False):
            torch.set_grad_enabled(enabled)
            m.make_linear(4, 3)
            out[f"grad enabled after a call made with grad {'on' if enabled else 'off'}"] = (
                torch.is_grad_enabled())
    finally:
        torch.set_grad_enabled(True)
    return out
