"""Probes for model_summary_hooks. Every probe builds its own seeded model (containers, modules
defined in another order than they run, a layer applied twice, a learned parameter on a
container, frozen layers, BatchNorm in train mode) and returns the learner's summary in a
normalised form next to what became of the caller's model: its hooks, modes and state."""

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import probe, raised


def _value(v):
    """A row field as plain data; anything unexpected becomes a description that won't match."""
    if isinstance(v, tuple) and all(type(d) is int for d in v):
        return tuple(v)  # also accepts torch.Size
    if type(v) in (int, str):
        return v
    return f"<{type(v).__name__}: {v!r}>"[:80]


def _summary(out) -> dict:
    """The summary as plain data, keeping the types the statement fixes."""
    if not isinstance(out, dict):
        return {"type": type(out).__name__}
    rows = out.get("rows")
    rows = ([{str(k): _value(v) for k, v in r.items()} if isinstance(r, dict)
             else f"<{type(r).__name__}>" for r in rows]
            if isinstance(rows, list) else f"<{type(rows).__name__}>")
    return {"type": "dict", "keys": sorted(out), "rows": rows,
            "total_params": _value(out.get("total_params")),
            "trainable_params": _value(out.get("trainable_params"))}


def _hooks(model: nn.Module) -> dict:
    return {n: [len(m._forward_hooks), len(m._forward_pre_hooks)]
            for n, m in model.named_modules()}


def _state(model: nn.Module) -> dict:
    return {"training": {n: m.training for n, m in model.named_modules()},
            "hooks": _hooks(model),
            "global_hooks": len(nn.modules.module._global_forward_hooks),
            "buffers": {k: v.clone() for k, v in model.state_dict().items()},
            "grads": [n for n, p in model.named_parameters() if p.grad is not None]}


class _CNN(nn.Module):
    """A small CNN; submodules are defined in another order than forward runs them."""

    def __init__(self):
        super().__init__()
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 4 * 4, 10))
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.act = nn.ReLU()  # used twice
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):  # (B, 3, 16, 16)
        x = self.pool(self.act(self.bn1(self.conv1(x))))  # (B, 4, 8, 8)
        x = self.pool(self.act(self.conv2(x)))  # (B, 8, 4, 4)
        return self.head(x)  # (B, 10)


class _Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.layers = nn.ModuleList([nn.Sequential(nn.Linear(d, d), nn.GELU()), nn.LayerNorm(d)])

    def forward(self, x):
        return self.layers[1](x + self.layers[0](x))


class _Tied(nn.Module):
    """Nested containers, a Linear applied twice, a learned scale on the model, a frozen embed."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(6))
        self.embed = nn.Linear(5, 6)
        self.embed.requires_grad_(False)
        self.blocks = nn.ModuleList([_Block(6), _Block(6)])
        self.mix = nn.Linear(6, 6)
        self.out = nn.Linear(6, 2)

    def forward(self, x):  # (B, 5)
        h = self.embed(x) * self.scale
        for block in self.blocks:
            h = self.mix(block(h))  # mix runs once per block
        return self.out(F.relu(h))  # (B, 2)


def _run(m, model, shape):
    out = m.model_summary(model, shape)
    return {"summary": _summary(out), "after": _state(model)}


@probe(public=True)
def small_cnn(m):
    "a small CNN (BatchNorm, a ReLU used twice, Sequential head), input (2, 3, 16, 16)"
    torch.manual_seed(0)
    return _run(m, _CNN().eval(), (2, 3, 16, 16))


@probe
def shared_layers_and_containers(m):
    "nested containers, a layer applied twice, a parameter on the model itself, a frozen layer"
    torch.manual_seed(1)
    return _run(m, _Tied(), (3, 5))


@probe
def batch_of_one_in_train_mode(m):
    "a model in train mode (one submodule in eval mode), batch 1: modes and buffers afterwards"
    torch.manual_seed(2)
    model = _CNN().train()
    model.bn1.running_mean.normal_()
    model.act.eval()  # the caller's own mix of modes
    return _run(m, model, (1, 3, 16, 16))


@probe
def callers_hooks_survive(m):
    "the caller's own forward hooks are left in place and still fire afterwards"
    torch.manual_seed(3)
    model = _CNN().eval()
    fired = []
    model.conv2.register_forward_hook(lambda mod, args, out: fired.append(tuple(out.shape)))
    model.register_forward_pre_hook(lambda mod, args: fired.append("pre"))
    res = _run(m, model, (2, 3, 16, 16))
    fired.clear()
    with torch.no_grad():
        model(torch.zeros(1, 3, 16, 16))
    res["fired afterwards"] = list(fired)
    return res


@probe
def forward_error_cleans_up(m):
    "a wrong input shape: the error propagates, and no hook or mode change is left behind"
    torch.manual_seed(4)
    model = _CNN().train()
    error = raised(lambda: m.model_summary(model, (2, 5, 16, 16)))  # 5 channels, conv1 wants 3
    return {"error": error, "after": _state(model)}


@probe
def leaf_model(m):
    "the model is itself a single layer"
    torch.manual_seed(5)
    return _run(m, nn.Conv1d(2, 3, 5, stride=2), (4, 2, 17))


@probe
def random_stacks(m):
    "seeded random stacks of layers with random widths"
    g = torch.Generator().manual_seed(6)
    results = []
    for i in range(3):
        torch.manual_seed(7 + i)  # the layers' weights
        width = int(torch.randint(3, 9, (1,), generator=g))
        layers, d = [], width
        for _ in range(int(torch.randint(2, 6, (1,), generator=g))):
            kind = int(torch.randint(0, 4, (1,), generator=g))
            if kind == 0:
                d_out = int(torch.randint(2, 9, (1,), generator=g))
                layers.append(nn.Linear(d, d_out, bias=bool(torch.rand(1, generator=g) < 0.5)))
                d = d_out
            else:
                layers.append([nn.Tanh(), nn.LayerNorm(d), nn.Dropout(0.2)][kind - 1])
        model = nn.Sequential(*layers)
        results.append(_run(m, model, (int(torch.randint(1, 5, (1,), generator=g)), width)))
    return results
