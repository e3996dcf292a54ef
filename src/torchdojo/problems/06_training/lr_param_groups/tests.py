"""Probes for lr_param_groups: who is decayed, AdamW steps with the groups, lr changes in place."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


class _Net(nn.Module):
    """Linear, Conv1d, BatchNorm1d, GroupNorm, a 2-D LayerNorm, a loose 1-D parameter, and an
    output layer whose weight is tied to the embedding."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(10, 6)
        self.conv = nn.Conv1d(6, 6, 3, padding=1)
        self.bn = nn.BatchNorm1d(6)
        self.gn = nn.GroupNorm(2, 6)
        self.fc = nn.Linear(6, 6)
        self.ln = nn.LayerNorm((4, 6))       # weight and bias of shape (4, 6)
        self.scale = nn.Parameter(torch.ones(6))
        self.head = nn.Linear(6, 10, bias=False)
        self.head.weight = self.emb.weight   # tied: one parameter, two modules

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        h = self.emb(idx).transpose(1, 2)               # (B, 6, 4)
        h = self.gn(self.bn(self.conv(h))).transpose(1, 2)  # (B, 4, 6)
        h = self.ln(torch.relu(self.fc(h))) * self.scale
        return self.head(h)                             # (B, 4, 10)


def _net(seed: int) -> nn.Module:
    g = torch.Generator().manual_seed(seed)
    model = _Net()
    sd = {k: (torch.randn(v.shape, generator=g) * 0.5 if v.is_floating_point() else v.clone())
          for k, v in model.state_dict().items()}
    sd["bn.running_var"] = sd["bn.running_var"].abs() + 0.5
    model.load_state_dict(sd)
    return model


def _describe(groups, model):
    """Group membership by parameter name (a name per listed tensor, duplicates kept)."""
    names = {id(p): n for n, p in model.named_parameters()}
    if not isinstance(groups, list):
        return {"type": type(groups).__name__}
    out = []
    for g in groups:
        if not isinstance(g, dict):
            out.append({"type": type(g).__name__})
            continue
        params = g.get("params")
        listed = list(params) if isinstance(params, (list, tuple)) else []
        out.append({
            "type": "dict",
            "params_type": type(params).__name__,
            "names": sorted(names.get(id(p), "<not a parameter of the model>") for p in listed),
            "weight_decay": g.get("weight_decay"),
        })
    return {"type": "list", "groups": out}


def _groups_judge(got, ref):
    if got.get("type") != "list":
        return f"make_param_groups must return a list, got {got.get('type')}"
    gg, rg = got["groups"], ref["groups"]
    if len(gg) != len(rg):
        return f"expected {len(rg)} groups (decayed, then not decayed), got {len(gg)}"
    for i, (g, r) in enumerate(zip(gg, rg, strict=True)):
        which = "the decayed group (index 0)" if i == 0 else "the non-decayed group (index 1)"
        if g.get("type") != "dict":
            return f"group {i} must be a dict, got {g.get('type')}"
        if g["params_type"] != "list":
            return f"{which}: 'params' must be a list, got {g['params_type']}"
        wd = g["weight_decay"]
        if isinstance(wd, bool) or not isinstance(wd, (int, float)) or wd != r["weight_decay"]:
            return f"{which}: weight_decay should be {r['weight_decay']!r}, got {wd!r}"
        dup = sorted({n for n in g["names"] if g["names"].count(n) > 1})
        if dup:
            return f"{which}: {dup[0]} is listed more than once (a shared parameter appears once)"
        extra = sorted(set(g["names"]) - set(r["names"]))
        missing = sorted(set(r["names"]) - set(g["names"]))
        if extra:
            return f"{which} should not contain {', '.join(extra)}"
        if missing:
            return f"{which} is missing {', '.join(missing)}"
    return None


@probe(public=True, judge=_groups_judge)
def group_membership(m):
    "groups of a model with Embedding, Conv1d, BatchNorm, GroupNorm, LayerNorm, Linear, tied weight"
    model = _net(0)
    return _describe(m.make_param_groups(model, 0.1), model)


@probe(judge=_groups_judge)
def frozen_left_out(m):
    "frozen parameters are in no group"
    model = _net(1)
    model.conv.weight.requires_grad_(False)
    model.bn.bias.requires_grad_(False)
    model.ln.weight.requires_grad_(False)
    return _describe(m.make_param_groups(model, 0.25), model)


@probe(rtol=1e-6, atol=1e-7)
def adamw_steps(m):
    "three AdamW steps (lr=0.05) with make_param_groups(model, 0.5): the parameters after each step"
    model = _net(2)
    g = torch.Generator().manual_seed(12)
    idx = torch.randint(0, 10, (5, 4), generator=g)
    target = torch.randint(0, 10, (5, 4), generator=g)
    opt = torch.optim.AdamW(m.make_param_groups(model, 0.5), lr=0.05)
    seen = []
    for _ in range(3):
        opt.zero_grad()
        logits = model(idx)  # (B, 4, 10)
        nn.functional.cross_entropy(logits.reshape(-1, 10), target.reshape(-1)).backward()
        opt.step()
        seen.append({k: v.detach().clone() for k, v in model.state_dict().items()})
    return seen


def _options(opt):
    return [{k: v for k, v in group.items() if k != "params"} for group in opt.param_groups]


def _lr_judge(got, ref):
    if len(got.get("log", [])) != len(ref["log"]):
        return "could not read the recorded steps"
    for g, r in zip(got["log"], ref["log"], strict=True):
        what = r["after"]
        if len(g["options"]) != len(r["options"]):
            return (f"after {what}: the optimizer has {len(g['options'])} group(s), expected "
                    f"{len(r['options'])}")
        lrs, ref_lrs = [o.get("lr") for o in g["options"]], [o["lr"] for o in r["options"]]
        msg = compare(lrs, ref_lrs, rtol=1e-12, atol=0.0)
        if msg:
            return f"after {what}: the groups' learning rates should be {ref_lrs}, got {lrs}"
        for j, (go, ro) in enumerate(zip(g["options"], r["options"], strict=True)):
            other = {k: v for k, v in ro.items() if k != "lr"}
            if {k: go.get(k) for k in other} != other:
                return f"after {what}: group {j} lost or changed its other options"
        msg = compare(g["params"], r["params"], rtol=1e-6, atol=1e-7)
        if msg:
            return f"after {what}: parameters differ ({msg})"
        msg = compare(g["buffers"], r["buffers"], rtol=1e-6, atol=1e-7)
        if msg:
            return f"after {what}: the momentum buffers differ (optimizer state lost?) ({msg})"
    return None


@probe(public=True, judge=_lr_judge)
def lr_changes_in_place(m):
    "SGD with two groups (own lr/momentum/weight_decay): set_lr and scale_lr between steps"
    g = torch.Generator().manual_seed(3)
    a, b = nn.Linear(4, 3), nn.Linear(3, 2)
    for p in [*a.parameters(), *b.parameters()]:
        with torch.no_grad():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    opt = torch.optim.SGD([
        {"params": list(a.parameters()), "lr": 0.1, "momentum": 0.9},
        {"params": list(b.parameters()), "lr": 0.02, "momentum": 0.5, "weight_decay": 0.01},
    ], lr=0.05)
    x, y = torch.randn(6, 4, generator=g), torch.randn(6, 2, generator=g)
    params = [*a.parameters(), *b.parameters()]
    log = []

    def step(after):
        opt.zero_grad()
        nn.functional.mse_loss(b(torch.tanh(a(x))), y).backward()
        opt.step()
        log.append({
            "after": after,
            "options": _options(opt),
            "params": [p.detach().clone() for p in params],
            "buffers": [opt.state[p]["momentum_buffer"].clone() if "momentum_buffer" in
                        opt.state.get(p, {}) else None for p in params],
        })

    step("step 1")
    step("step 2")
    m.set_lr(opt, 0.03)
    step("set_lr(opt, 0.03) and a step")
    m.scale_lr(opt, 0.5)
    step("scale_lr(opt, 0.5) and a step")
    m.scale_lr(opt, 0.1)
    step("scale_lr(opt, 0.1) and a step")
    m.set_lr(opt, 0.0)
    step("set_lr(opt, 0.0) and a step")
    return {"log": log}


@probe(judge=_lr_judge)
def scale_keeps_ratio(m):
    "scale_lr on groups with different learning rates keeps their ratio"
    a, b = nn.Linear(2, 2), nn.Linear(2, 1)
    g = torch.Generator().manual_seed(4)
    for p in [*a.parameters(), *b.parameters()]:
        with torch.no_grad():
            p.copy_(torch.randn(p.shape, generator=g))
    opt = torch.optim.Adam([{"params": list(a.parameters()), "lr": 0.2},
                            {"params": list(b.parameters())}], lr=0.01, betas=(0.8, 0.99))
    x = torch.randn(3, 2, generator=g)
    params = [*a.parameters(), *b.parameters()]
    log = []
    for k, factor in enumerate([0.5, 4.0]):
        m.scale_lr(opt, factor)
        opt.zero_grad()
        b(a(x)).pow(2).mean().backward()
        opt.step()
        log.append({"after": f"scale_lr(opt, {factor}) (call {k + 1}) and a step",
                    "options": _options(opt), "params": [p.detach().clone() for p in params],
                    "buffers": [opt.state[p]["exp_avg"].clone() for p in params]})
    return {"log": log}
