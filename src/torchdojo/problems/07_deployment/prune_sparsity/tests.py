"""Probes for prune_sparsity. Each probe builds a seeded model (Conv2d, BatchNorm2d, LayerNorm and
Linear layers, some nested in Sequentials), calls the learner's prune_model / sparsity and
returns the resulting state dict, the layers' parametrisation (parameters, buffers, hooks) or
the report. The reference's observation on the same seeded model is the expectation: the
zeroed entries must be exactly the ones torch.nn.utils.prune zeroes."""

import copy

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

PRUNABLE = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)


class _Net(nn.Module):
    """(N, 2, 6, 6) -> (N, 3): a conv block and an MLP head, each in a Sequential."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64, 7), nn.LayerNorm(7), nn.ReLU(),
                                  nn.Linear(7, 3))

    def forward(self, x):
        return self.head(self.features(x))  # (N, 3)


def _net(seed: int) -> _Net:
    """A seeded _Net whose norm layers hold non-trivial values as well."""
    torch.manual_seed(seed)
    net = _Net()
    bn, ln = net.features[1], net.head[2]
    with torch.no_grad():
        for t in (bn.weight, bn.bias, bn.running_mean, ln.weight, ln.bias):
            t.add_(0.3 * torch.randn_like(t))
        bn.running_var.uniform_(0.5, 1.5)
    return net


def _small(seed: int) -> nn.Sequential:
    """Layers of 9, 10, 8 and 6 weights: sizes where rounding, floor and ceil disagree."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 3), nn.Conv1d(1, 2, 5),
                         nn.Sequential(nn.Conv3d(1, 1, 2), nn.Linear(2, 3, bias=False)))


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@probe(public=True, rtol=0, atol=0)
def local_prune_30_percent(m):
    "local L1 pruning, amount=0.3: every tensor of the state dict afterwards, and the return value"
    net = _net(1)
    out = m.prune_model(net, 0.3)
    return {"returns the model it was given": out is net, "state_dict": _state(net)}


@probe(public=True)
def sparsity_report(m):
    "sparsity() of a model whose layers the probe zeroed by hand (a bias and a norm weight too)"
    net = _net(2)
    g = torch.Generator().manual_seed(2)
    with torch.no_grad():
        for p in (0.1, 0.45, 0.8):  # a different fraction in each prunable layer
            mod = [mod for mod in net.modules() if isinstance(mod, PRUNABLE)][int(p * 3)]
            mod.weight.mul_((torch.rand(mod.weight.shape, generator=g) > p).float())
        net.head[1].bias[:3] = 0.0
        net.features[1].weight[0] = 0.0
    return m.sparsity(net)


@probe(rtol=0, atol=0)
def global_prune_60_percent(m):
    "global L1 pruning, amount=0.6: the state dict afterwards and sparsity() of the result"
    net = _net(3)
    m.prune_model(net, 0.6, global_pruning=True)
    return {"state_dict": _state(net), "sparsity": m.sparsity(net)}


@probe(rtol=0, atol=0)
def local_prune_report(m):
    "sparsity() after local pruning with amount=0.45"
    net = _net(4)
    m.prune_model(net, 0.45)
    return m.sparsity(net)


def _layout(model: nn.Module, weights_before: dict) -> dict:
    """How each layer is parametrised: names only, plus whether `weight` is the same object."""
    out = {}
    for name, mod in model.named_modules():
        if not isinstance(mod, PRUNABLE):
            continue
        w = getattr(mod, "weight", None)
        out[name] = {"parameters": sorted(n for n, _ in mod.named_parameters(recurse=False)),
                     "buffers": sorted(n for n, _ in mod.named_buffers(recurse=False)),
                     "forward pre-hooks": len(mod._forward_pre_hooks),
                     "weight type": type(w).__name__,
                     "same Parameter object": w is weights_before[name],
                     "requires_grad": bool(getattr(w, "requires_grad", False))}
    return out


def _permanent(m, global_pruning: bool) -> dict:
    net = _net(5)
    before = {n: mod.weight for n, mod in net.named_modules() if isinstance(mod, PRUNABLE)}
    keys = sorted(net.state_dict())
    m.prune_model(net, 0.5, global_pruning=global_pruning)
    return {"layers": _layout(net, before), "state_dict keys": sorted(net.state_dict()),
            "keys before": keys,
            "number of parameters": sum(p.numel() for p in net.parameters())}


def _permanent_judge(got, ref):
    for mode in ("local", "global"):
        g, r = got[mode], ref[mode]
        if not isinstance(g, dict) or set(g) != set(r):
            return f"{mode} pruning: unexpected observation"
        for name, lay in r["layers"].items():
            gl = g["layers"].get(name)
            if gl is None:
                return f"{mode} pruning: layer {name!r} is missing"
            for key, want in lay.items():
                if gl.get(key) != want:
                    return (f"{mode} pruning, layer {name!r}: {key} is {gl.get(key)!r}, expected "
                            f"{want!r} (the pruning must be made permanent)")
        if g["state_dict keys"] != g["keys before"]:
            return (f"{mode} pruning changed the state dict's keys: {g['state_dict keys']} "
                    f"(a pruned model must load where the unpruned one did)")
        why = compare(g["number of parameters"], r["number of parameters"])
        if why:
            return f"{mode} pruning changed the number of parameters ({why})"
    return None


@probe(judge=_permanent_judge)
def pruning_is_permanent(m):
    "after prune_model: no weight_orig, weight_mask or pre-hook left; weight still a Parameter"
    return {"local": _permanent(m, False), "global": _permanent(m, True)}


@probe(rtol=0, atol=0)
def rounding_of_counts(m):
    "layers of 6-10 weights, amounts 0.25/0.5/0.7 (local), 0.3/0.5 (global): zeros per layer"
    out = {}
    for amount, glob in ((0.25, False), (0.5, False), (0.7, False), (0.3, True), (0.5, True)):
        model = _small(6)
        m.prune_model(model, amount, global_pruning=glob)
        key = f"{'global' if glob else 'local'} {amount}"
        out[key] = {"zeros": [int((mod.weight == 0).sum()) for mod in model.modules()
                              if isinstance(mod, PRUNABLE)],
                    "weights": [mod.weight.detach().clone() for mod in model.modules()
                                if isinstance(mod, PRUNABLE)]}
    return out


@probe(rtol=0, atol=0)
def edge_amounts(m):
    "amount=0.0 changes nothing, amount=1.0 zeroes every weight; amounts outside [0, 1] raise"
    out = {}
    for amount in (0.0, 1.0):
        for glob in (False, True):
            net = _net(7)
            m.prune_model(net, amount, global_pruning=glob)
            out[f"{amount} {glob}"] = {"state_dict": _state(net),
                                       "hooks": sum(len(mod._forward_pre_hooks)
                                                    for mod in net.modules())}
    for amount in (1.5, -0.1):
        for glob in (False, True):
            out[f"error {amount} {glob}"] = raised(
                lambda a=amount, g=glob: m.prune_model(_net(7), a, global_pruning=g))
    return out


@probe(rtol=1e-5, atol=1e-6)
def forward_after_pruning(m):
    "the pruned model (eval mode) still runs; its outputs on a seeded batch, local and global"
    net = _net(8).eval()
    x = torch.randn(5, 2, 6, 6)
    local, glob = copy.deepcopy(net), copy.deepcopy(net)
    m.prune_model(local, 0.2)
    m.prune_model(glob, 0.2, global_pruning=True)
    with torch.no_grad():
        return {"local": local(x), "global": glob(x)}  # (5, 3) each
