"""Probes for init_weights_apply: weight statistics of large Linear and Conv2d layers after
model.apply(init_weights) (bound, standard deviation, distribution shape, zero biases, batch norm
identity); a nested model compared parameter by parameter and buffer by buffer with the
reference's under the same seed (the random generator's state afterwards too); a container
handed to init_weights directly; count_params with frozen, tied and buffer-holding models."""

import math
from collections import OrderedDict

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _stats(w: torch.Tensor) -> dict:
    w = w.detach().double().flatten()
    std = w.std().item()
    return {"n": w.numel(), "std": std, "max_abs": w.abs().max().item(),
            "share_within_std": (w.abs() < std).double().mean().item()}


def _dist_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if g is None or g["n"] != r["n"]:
            return f"{name}: missing or of the wrong size"
        if "bound" in r and g["max_abs"] > r["bound"] * (1 + 1e-6):
            return (f"{name}: max |w| = {g['max_abs']:.5f} exceeds the Xavier-uniform bound "
                    f"sqrt(6 / (fan_in + fan_out)) = {r['bound']:.5f}")
        if abs(g["std"] / r["want_std"] - 1) > 0.03:
            return (f"{name}: weight std {g['std']:.5f}, expected {r['want_std']:.5f} "
                    f"({r['formula']})")
        if abs(g["share_within_std"] - r["share"]) > 0.015:
            return (f"{name}: {g['share_within_std']:.3f} of the weights lie within one std of "
                    f"0, expected about {r['share']:.3f} ({r['shape']} distribution)")
    return None


@probe(public=True, judge=_dist_judge)
def linear_xavier_uniform(m):
    "a Linear(600, 400) after apply: max |w| within the bound, std and shape of U(-a, a)"
    model = nn.Sequential(nn.Linear(600, 400))
    model.apply(m.init_weights)
    bound = math.sqrt(6 / (600 + 400))
    got = _stats(model[0].weight)
    got.update(bound=bound, want_std=bound / math.sqrt(3), share=1 / math.sqrt(3),
               formula="sqrt(2 / (fan_in + fan_out))", shape="uniform")
    return {"fc.weight": got}


@probe(public=True, judge=_dist_judge)
def conv_kaiming_fan_out(m):
    "a Conv2d(32, 64, 5) after apply: std sqrt(2 / fan_out) and a normal shape"
    model = nn.Sequential(nn.Conv2d(32, 64, 5))
    model.apply(m.init_weights)
    got = _stats(model[0].weight)
    got.update(want_std=math.sqrt(2 / (64 * 5 * 5)), share=0.6827,
               formula="Kaiming normal, sqrt(2 / fan_out), fan_out = 64*5*5", shape="normal")
    return {"conv.weight": got}


def _exact_judge(messages):
    def judge(got, ref):
        for key, text in messages.items():
            why = compare(got[key], ref[key], rtol=0, atol=0)
            if why:
                return f"{text}: {why}"
        return None
    return judge


@probe(judge=_exact_judge({"linear_bias": "Linear bias after apply is not all zeros",
                           "conv_bias": "Conv2d bias after apply is not all zeros",
                           "bn_weight": "BatchNorm2d weight after apply is not all ones",
                           "bn_bias": "BatchNorm2d bias after apply is not all zeros"}))
def biases_and_batch_norm(m):
    "after apply: Linear and Conv2d biases exactly 0, BatchNorm2d weight 1 and bias 0"
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.Flatten(), nn.Linear(8, 5))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)  # far from every value init_weights should set
    model.apply(m.init_weights)
    return {"linear_bias": model[3].bias.detach().clone(),
            "conv_bias": model[0].bias.detach().clone(),
            "bn_weight": model[1].weight.detach().clone(),
            "bn_bias": model[1].bias.detach().clone()}


class _MyLinear(nn.Linear):
    """A subclass: isinstance(m, nn.Linear) holds."""


class _Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


def _nested() -> nn.Module:
    return nn.Sequential(OrderedDict(
        stem=_Block(),
        body=nn.Sequential(nn.Conv2d(4, 6, 1, bias=False), nn.BatchNorm2d(6),
                           nn.Sequential(nn.Conv1d(2, 3, 3), nn.Conv2d(6, 5, (3, 2)))),
        emb=nn.Embedding(10, 4),
        norm=nn.LayerNorm(4),
        head=nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3, bias=False)),
        bn1=nn.BatchNorm1d(3),
        bn_plain=nn.BatchNorm1d(3, affine=False),
        sub=_MyLinear(3, 2),
    ))


def _perturbed(model: nn.Module, seed: int) -> nn.Module:
    """Move every parameter and float buffer away from its default, reproducibly."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.add_(torch.randn(t.shape, generator=g))
    return model


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _same_judge(got, ref):
    why = compare(got["state"], ref["state"], rtol=1e-6, atol=1e-7, path="state_dict")
    if why:
        return (f"after the same torch.manual_seed and model.apply(init_weights) the model differs "
                f"from the reference's: {why}")
    if compare(got["after"], ref["after"], rtol=0, atol=0):
        return ("the model matches, but the global random generator is in another state "
                "afterwards: init_weights drew random numbers the table does not ask for")
    return None


@probe(judge=_same_judge)
def nested_model_same_seed(m):
    "a nested model of many layer types: every parameter and buffer after apply, same seed"
    model = _perturbed(_nested(), seed=3)
    torch.manual_seed(5)
    model.apply(m.init_weights)
    return {"state": _state(model), "after": torch.rand(4)}


@probe(judge=_same_judge)
def plain_mlp_same_seed(m):
    "nn.Sequential(Linear, ReLU, Linear, ReLU, Linear): parameters after apply, same seed"
    model = _perturbed(nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 7), nn.ReLU(),
                                     nn.Linear(7, 2)), seed=4)
    torch.manual_seed(6)
    model.apply(m.init_weights)
    return {"state": _state(model), "after": torch.rand(4)}


def _container_judge(got, ref):
    why = compare(got, ref, rtol=0, atol=0, path="state_dict")
    return (f"init_weights(container) changed the container's children; apply visits them "
            f"itself: {why}") if why else None


@probe(judge=_container_judge)
def container_alone(m):
    "init_weights called on an nn.Sequential itself changes none of its children"
    model = _perturbed(nn.Sequential(nn.Linear(4, 3), nn.Conv2d(2, 2, 3), nn.BatchNorm1d(3)),
                       seed=7)
    m.init_weights(model)
    return _state(model)


def _count_judge(got, ref):
    for key in ref:
        g = got[key]
        if isinstance(g, bool) or not isinstance(g, int):
            kind = "a tensor" if isinstance(g, torch.Tensor) else type(g).__name__
            return f"{key}: count_params must return a Python int, got {kind}"
        if g != ref[key]:
            return f"{key}: expected {ref[key]}, got {g}"
    return None


@probe(public=True, judge=_count_judge)
def count_frozen(m):
    "count_params on an MLP with its first layer frozen: all, and trainable only"
    model = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))  # 220 + 105
    model[0].requires_grad_(False)
    return {"count_params(model)": m.count_params(model),
            "count_params(model, trainable_only=True)": m.count_params(model, trainable_only=True)}


@probe(judge=_count_judge)
def count_tied_and_buffers(m):
    "tied embedding/output weights count once; batch-norm running statistics do not count"
    emb, head = nn.Embedding(50, 6), nn.Linear(6, 50)
    head.weight = emb.weight  # tied: one parameter in two modules
    model = nn.Sequential(emb, nn.BatchNorm1d(6), head)
    frozen = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    frozen[1].requires_grad_(False)
    return {"tied model": m.count_params(model),
            "tied model, trainable only": m.count_params(model, trainable_only=True),
            "Linear + frozen BatchNorm1d, trainable only":
                m.count_params(frozen, trainable_only=True)}


@probe(judge=_count_judge)
def count_no_params(m):
    "a model without parameters gives 0 (an int)"
    model = nn.Sequential(nn.ReLU(), nn.Flatten())
    return {"count_params(model)": m.count_params(model),
            "count_params(model, trainable_only=True)": m.count_params(model, trainable_only=True)}
