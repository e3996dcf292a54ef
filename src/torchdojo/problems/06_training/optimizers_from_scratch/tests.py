"""Probes for optimizers_from_scratch: parameters after each step of a seeded run."""

import torch
from torch import nn

from torchdojo.probes import parse_source, probe, raised, shortcut, source_probe

TOL = dict(rtol=1e-5, atol=1e-6)


def _model(k):
    # fc1.weight (8, 4), fc1.bias (8), fc2.weight (3, 8), fc2.bias (3); weights made here, seeded
    model = nn.Sequential()
    model.add_module("fc1", nn.Linear(4, 8))
    model.add_module("act", nn.Tanh())
    model.add_module("fc2", nn.Linear(8, 3))
    g = torch.Generator().manual_seed(k)
    sd = {n: torch.randn(p.shape, generator=g) * 0.5 for n, p in model.state_dict().items()}
    model.load_state_dict(sd, strict=True)
    return model


def _run(model, opt, k, steps=5, extra=None):
    """Seeded regression loss, ``steps`` updates; the parameters after each step."""
    g = torch.Generator().manual_seed(100 + k)
    traj = []
    for t in range(steps):
        x, y = torch.randn(6, 4, generator=g), torch.randn(6, 3, generator=g)
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        if extra is not None:
            loss = loss + extra(t)
        loss.backward()
        opt.step()
        traj.append({n: p.detach().clone() for n, p in model.named_parameters()})
    return traj


@probe(public=True, **TOL)
def sgd_momentum_5_steps(m):
    "SGDMomentum(lr=0.1, momentum=0.9): parameters after each of 5 steps"
    model = _model(1)
    return _run(model, m.SGDMomentum(model.parameters(), lr=0.1, momentum=0.9), 1)


@probe(public=True, **TOL)
def adamw_5_steps(m):
    "MyAdamW(lr=0.01, weight_decay=0.1): parameters after each of 5 steps"
    model = _model(2)
    return _run(model, m.MyAdamW(model.parameters(), lr=0.01, weight_decay=0.1), 2)


@probe(**TOL)
def sgd_plain(m):
    "SGDMomentum with the defaults (no momentum, no decay)"
    model = _model(3)
    return _run(model, m.SGDMomentum(model.parameters(), lr=0.05), 3)


@probe(**TOL)
def sgd_nesterov_weight_decay(m):
    "SGDMomentum(lr=0.05, momentum=0.8, weight_decay=0.01, nesterov=True)"
    model = _model(4)
    opt = m.SGDMomentum(model.parameters(), lr=0.05, momentum=0.8, weight_decay=0.01,
                        nesterov=True)
    return _run(model, opt, 4)


@probe(**TOL)
def adamw_betas_eps(m):
    "MyAdamW with non-default betas, eps and weight decay"
    model = _model(5)
    opt = m.MyAdamW(model.parameters(), lr=0.02, betas=(0.8, 0.95), eps=1e-3, weight_decay=0.5)
    return _run(model, opt, 5)


def _groups(model):
    return [{"params": list(model.fc1.parameters())},
            {"params": list(model.fc2.parameters()), "lr": 0.003, "weight_decay": 0.3}]


@probe(**TOL)
def sgd_two_groups(m):
    "two parameter groups with their own lr, momentum and weight decay"
    model = _model(6)
    groups = _groups(model)
    groups[1]["momentum"] = 0.5
    opt = m.SGDMomentum(groups, lr=0.1, momentum=0.9, weight_decay=0.01)
    return _run(model, opt, 6)


@probe(**TOL)
def adamw_two_groups(m):
    "two parameter groups with their own lr and weight decay"
    model = _model(7)
    opt = m.MyAdamW(_groups(model), lr=0.01, weight_decay=0.05)
    return _run(model, opt, 7)




def _late_extra(fn):
    def extra(t):
        out = fn(t)
        return 0.0 if out is None else out
    return extra


@probe(**TOL)
def adamw_param_without_grad(m):
    "a parameter whose grad is None is skipped; when it joins later its own step count starts at 1"
    model = _model(8)
    w = nn.Parameter(torch.linspace(-1.0, 1.0, 5))
    opt = m.MyAdamW([*model.parameters(), w], lr=0.05, weight_decay=0.2)
    extra = _late_extra(lambda t: (w ** 3).sum() * 0.1 if t >= 2 else None)
    traj = _run(model, opt, 8, extra=extra)
    return {"traj": traj, "w": w.detach().clone()}


@probe(**TOL)
def sgd_param_without_grad(m):
    "a parameter whose grad is None is not moved (not even by decay); its buffer starts late"
    model = _model(9)
    w = nn.Parameter(torch.linspace(-1.0, 1.0, 5))
    opt = m.SGDMomentum([*model.parameters(), w], lr=0.1, momentum=0.9, weight_decay=0.1)
    wt = []
    extra = _late_extra(lambda t: (w ** 3).sum() * 0.1 if t >= 2 else None)
    traj = _run(model, opt, 9, extra=lambda t: (wt.append(w.detach().clone()), extra(t))[1])
    return {"traj": traj, "w_before_each_step": wt, "w": w.detach().clone()}


@probe
def step_is_graph_free(m):
    "after step() the parameters are still leaves and no graph was recorded"
    out = []
    for make in (lambda ps: m.SGDMomentum(ps, lr=0.1, momentum=0.9),
                 lambda ps: m.MyAdamW(ps, lr=0.01)):
        model = _model(10)
        opt = make(model.parameters())
        _run(model, opt, 10, steps=2)
        out.append([(p.is_leaf, p.grad_fn is None, p.requires_grad) for p in model.parameters()])
    return out


@probe
def nesterov_needs_momentum(m):
    "nesterov=True with momentum=0 raises ValueError"
    return raised(lambda: m.SGDMomentum([nn.Parameter(torch.zeros(2))], lr=0.1, nesterov=True))


BANNED = {"_functional", "sgd", "adamw", "adam", "SGD", "AdamW", "Adam", "_single_tensor_sgd",
          "_single_tensor_adamw", "_single_tensor_adam", "_multi_tensor_sgd",
          "_multi_tensor_adamw", "_multi_tensor_adam", "_fused_adamw", "_fused_sgd"}


@source_probe
def no_torch_optimizer_inside(source):
    "the update is written by hand (no torch.optim.SGD/Adam/AdamW or their functional forms)"
    tree, why = parse_source(source)
    if tree is None:
        return why
    hit = shortcut(tree, BANNED)
    return None if hit is None else f"torch's own optimizer is used: {hit}"
