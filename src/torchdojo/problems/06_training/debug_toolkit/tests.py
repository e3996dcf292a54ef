"""Probes for debug_toolkit. layer_shapes: models with probe-made structure (nested Sequentials,
torchvision's resnet18 in train mode, a model with a reused layer, a skip connection, an unused
layer, an LSTM, batch norm and mixed training flags, a model whose forward raises, a model that
is a leaf); the returned list is compared with the reference's, and the probe also reports what
the call left behind: hooks still registered (module and global), every module's training flag,
grad mode, batch-norm buffers, and (through a pass-through leaf) grad mode and the flag seen
during the forward pass. grad_report: real gradients of a small model and hand-set gradients.
first_nan_op: functions with known NaN sources, without NaN, and with other backward errors;
the result, the exception type, anomaly mode afterwards and anomaly-mode warnings are reported.
torchvision is imported inside the probe that needs it."""

import math
import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

# -- layer_shapes ------------------------------------------------------------------------------

def _hooks(model: nn.Module) -> int:
    """Forward (pre-)hooks on the model's modules plus the global module hooks."""
    from torch.nn.modules import module as mod

    n = sum(len(x._forward_hooks) + len(x._forward_pre_hooks) for x in model.modules())
    return n + len(mod._global_forward_hooks) + len(mod._global_forward_pre_hooks)


def _plain_shapes(out):
    """The result as plain data: a list of (str, tuple of ints), or a description of what it is."""
    if not isinstance(out, list):
        return f"a {type(out).__name__}, not a list"
    items = []
    for e in out[:500]:
        if (isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], str)
                and isinstance(e[1], tuple) and all(type(d) is int for d in e[1])):
            items.append((e[0], tuple(e[1])))
        else:
            items.append(f"not a (str, tuple of ints) pair: {e!r:.60}")
    return items


def _buffers(model: nn.Module) -> dict:
    return {k: v.clone() for k, v in model.named_buffers()}


def _observe_shapes(m, model: nn.Module, x: torch.Tensor) -> dict:
    before_hooks, before_buffers = _hooks(model), _buffers(model)
    with torch.enable_grad():
        why = None
        try:
            out = m.layer_shapes(model, x)
        except Exception as exc:  # noqa: BLE001 - a raise is the observation here
            out, why = None, type(exc).__name__
        grad_after = torch.is_grad_enabled()
    return {"shapes": None if why else _plain_shapes(out), "raised": why,
            "hooks_left": _hooks(model) - before_hooks,
            "flags": [(n, mm.training) for n, mm in model.named_modules()],
            "grad_after": grad_after,
            "buffers_changed": sorted(k for k, v in _buffers(model).items()
                                      if not torch.equal(v, before_buffers[k]))}


def _shapes_judge(got, ref):
    if got["raised"] and not ref["raised"]:
        return f"layer_shapes raised {got['raised']} on this model"
    if got["raised"] != ref["raised"]:
        return (f"layer_shapes should let the forward's {ref['raised']} propagate, got "
                f"{got['raised'] or 'no exception'}")
    if got["hooks_left"] > 0:
        return f"{got['hooks_left']} forward hook(s) were still registered after the call"
    if got["flags"] != ref["flags"]:
        bad = [n or "(root)" for (n, t), (_, r) in zip(got["flags"], ref["flags"], strict=True)
               if t != r]
        return f"the training flag of {bad[:4]} differs from what it was before the call"
    if not got["grad_after"]:
        return "gradient mode was left disabled after the call"
    if got["buffers_changed"]:
        return (f"the call changed the buffers {got['buffers_changed'][:3]}: batch norm updated "
                "its running statistics during the pass (it must run in eval mode)")
    if "spy" in ref and got["spy"] != ref["spy"]:
        return (f"during the forward pass (grad enabled, training) was {got['spy']}, expected "
                f"{ref['spy']} for each call")
    if got["raised"]:
        return None
    shapes, want = got["shapes"], ref["shapes"]
    if isinstance(shapes, str):
        return f"layer_shapes returned {shapes}"
    bad = next((s for s in shapes if isinstance(s, str)), None)
    if bad:
        return f"layer_shapes returned an item {bad}"
    if shapes == want:
        return None
    if len(shapes) != len(want):
        return (f"layer_shapes returned {len(shapes)} entries, expected {len(want)} (one per call "
                f"of a leaf module, in call order); first entries: {shapes[:3]}")
    i = next(i for i, (a, b) in enumerate(zip(shapes, want, strict=True)) if a != b)
    return f"entry {i} is {shapes[i]}, expected {want[i]}"


def _seeded(model: nn.Module, seed: int) -> nn.Module:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
    return model


@probe(public=True, judge=_shapes_judge)
def shapes_nested_sequential(m):
    "nested nn.Sequential containers: one entry per leaf layer, with its dotted name"
    model = _seeded(nn.Sequential(nn.Linear(4, 8), nn.Sequential(nn.ReLU(), nn.Linear(8, 6)),
                                  nn.Tanh(), nn.Sequential(nn.Sequential(nn.Linear(6, 3)))), 1)
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(2))
    return _observe_shapes(m, model, x)


@probe(judge=_shapes_judge)
def shapes_resnet18(m):
    "torchvision resnet18(weights=None), left in train mode, on a 1x3x32x32 input"
    import torchvision

    model = torchvision.models.resnet18(weights=None)
    x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    return _observe_shapes(m, model, x)


class _Spy(nn.Module):
    """A pass-through leaf that records (grad enabled, training) at each call."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append((torch.is_grad_enabled(), self.training))
        return x


class _Mixed(nn.Module):
    """Reused ReLU, a skip connection, batch norm, an LSTM (tuple output), an unused layer."""

    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Linear(5, 6)
        self.act = nn.ReLU()
        self.block = nn.Sequential(nn.Linear(6, 6), nn.BatchNorm1d(6))
        self.spy = _Spy()
        self.lstm = nn.LSTM(6, 4, batch_first=True)
        self.unused = nn.Linear(6, 2)
        self.head = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.act(self.inp(x))  # (B, 6)
        h = self.act(h + self.block(h))  # skip connection, act called again
        h = self.spy(h)
        out, _ = self.lstm(h.unsqueeze(1))  # (B, 1, 4)
        return self.head(out[:, -1])  # (B, 3)


@probe(judge=_shapes_judge)
def shapes_non_sequential(m):
    "a reused layer, a skip connection, an unused layer, an LSTM, batch norm, mixed train/eval flags"
    model = _seeded(_Mixed(), 4)
    model.train()
    model.unused.eval()
    model.head.eval()
    x = torch.randn(4, 5, generator=torch.Generator().manual_seed(5))
    obs = _observe_shapes(m, model, x)
    obs["spy"] = list(model.spy.seen)
    return obs


@probe(judge=_shapes_judge)
def shapes_forward_raises(m):
    "a model whose forward fails at its third layer: the error propagates, nothing is left behind"
    model = nn.Sequential(nn.Linear(4, 8), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)),
                          nn.Linear(5, 2))
    x = torch.randn(3, 4, generator=torch.Generator().manual_seed(6))
    return _observe_shapes(m, model, x)


@probe(judge=_shapes_judge)
def shapes_model_is_leaf(m):
    "the model itself is a single leaf module"
    model = nn.Linear(3, 2)
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(7))
    return _observe_shapes(m, model, x)


# -- grad_report -------------------------------------------------------------------------------

def _observe_report(m, model: nn.Module, *args, **kwargs) -> dict:
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    out = m.grad_report(model, *args, **kwargs)
    report = ({str(k): v if isinstance(v, str) else f"<{type(v).__name__}>"
               for k, v in list(out.items())[:200]} if isinstance(out, dict) else None)
    after = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    return {"type": type(out).__name__, "report": report, "grads": grads, "after": after}


def _report_judge(got, ref):
    if got["type"] != "dict":
        return f"grad_report must return a dict, got {got['type']}"
    report, want = got["report"], ref["report"]
    if sorted(report) != sorted(want):
        return (f"the keys are {sorted(report)[:6]}, expected every name of "
                f"named_parameters(): {sorted(want)[:6]}")
    for name in want:
        if report[name] != want[name]:
            g = got["grads"][name]
            what = "None" if g is None else f"{g.flatten()[:6].tolist()}"
            return f"{name} (grad {what}) is labelled {report[name]!r}, expected {want[name]!r}"
    for name, g in got["after"].items():
        before = got["grads"][name]
        if (g is None) != (before is None) or (g is not None and compare(g, before, rtol=0,
                                                                         atol=0)):
            return f"grad_report changed the gradient of {name}"
    return None


class _Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(4, 5)
        self.fc2 = nn.Linear(5, 3)
        self.frozen = nn.Linear(3, 3)
        self.unused = nn.Linear(3, 3)
        self.frozen.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.frozen(torch.tanh(self.fc2(torch.relu(self.fc1(x)))))


@probe(public=True, judge=_report_judge)
def report_after_backward(m):
    "a small model after backward: a frozen layer, an unused layer, healthy gradients"
    model = _seeded(_Net(), 8)
    g = torch.Generator().manual_seed(9)
    x, y = torch.randn(6, 4, generator=g), torch.randn(6, 3, generator=g)
    nn.functional.mse_loss(model(x), y).backward()
    return _observe_report(m, model)


@probe(judge=_report_judge)
def report_dead_relu(m):
    "the hidden ReLU is dead for every sample (a large negative bias)"
    model = _seeded(_Net(), 10)
    with torch.no_grad():
        model.fc1.bias.fill_(-100.0)
    g = torch.Generator().manual_seed(11)
    x, y = torch.randn(6, 4, generator=g), torch.randn(6, 3, generator=g)
    nn.functional.mse_loss(model(x), y).backward()
    return _observe_report(m, model)


_INF, _NAN = math.inf, math.nan
_HAND = {  # name -> the gradient (None: unset), judged with exploding=5.0
    "unset": None, "has_nan": [1.0, _NAN, 2.0], "pos_inf": [1.0, _INF], "neg_inf": [-_INF, 0.0],
    "nan_and_huge": [_NAN, 1e6], "zeros": [0.0, 0.0, 0.0, 0.0], "cancels": [1.0, -1.0, 2.0, -2.0],
    "tiny": [1e-25] * 8, "at_threshold": [3.0, 4.0], "just_above": [3.0, 4.01],
    "spread": [0.6] * 100, "huge_finite": [3e38] * 4, "one_big": [0.0, 0.0, 7.0],
    "negative": [-10.0], "small": [0.5, -0.25],
}


def _hand_set(grads: dict) -> nn.Module:
    model = nn.ParameterDict({n: nn.Parameter(torch.zeros(len(g) if g else 3))
                              for n, g in grads.items()})
    for n, g in grads.items():
        if g is not None:
            model[n].grad = torch.tensor(g)
    return model


@probe(judge=_report_judge)
def report_hand_set(m):
    "hand-set gradients (NaN, +-inf, zeros, tiny, huge, cancelling, around the norm), exploding=5.0"
    return _observe_report(m, _hand_set(_HAND), exploding=5.0)


@probe(judge=_report_judge)
def report_default_threshold(m):
    "hand-set gradients around the default threshold, called without `exploding`"
    return _observe_report(m, _hand_set({"below": [999.0], "above": [1001.0],
                                         "equal": [600.0, 800.0], "many": [40.0] * 1000}))


# -- first_nan_op ------------------------------------------------------------------------------

def _observe_nan(m, fn, *args) -> dict:
    torch.autograd.set_detect_anomaly(False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        why = None
        try:
            out = m.first_nan_op(fn, *args)
        except Exception as exc:  # noqa: BLE001 - a raise is the observation here
            out, why = None, type(exc).__name__
    anomaly_after = torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(False)  # whatever the call left, the next one starts clean
    return {"type": type(out).__name__, "result": out if isinstance(out, str) else None,
            "raised": why, "anomaly_after": anomaly_after,
            "warnings": [str(w.message)[:80] for w in caught
                         if "Anomaly" in str(w.message) or "Error detected in" in str(w.message)]}


def _one_nan(got, ref, case: str) -> str | None:
    where = f"{case}: " if case else ""
    if got["anomaly_after"]:
        return f"{where}anomaly mode was still enabled after first_nan_op returned"
    if got["warnings"]:
        return f"{where}a warning from anomaly mode reached the caller: {got['warnings'][0]!r}"
    if ref["raised"]:
        if got["raised"] != ref["raised"]:
            return (f"{where}backward fails for a reason other than NaN here: the "
                    f"{ref['raised']} must propagate, got " + (got["raised"] or
                                                               f"the return value {got['result']!r}"))
        return None
    if got["raised"]:
        return f"{where}first_nan_op raised {got['raised']}"
    if got["type"] != "str":
        return f"{where}first_nan_op must return a str, got {got['type']}"
    if got["result"] != ref["result"]:
        return f"{where}first_nan_op returned {got['result']!r}, expected {ref['result']!r}"
    return None


def _nan_judge(got, ref):
    for case in ref:
        msg = _one_nan(got[case], ref[case], case)
        if msg:
            return msg
    return None


def _leaf(values) -> torch.Tensor:
    return torch.tensor(values, requires_grad=True)


@probe(public=True, judge=_nan_judge)
def nan_where_log(m):
    "torch.where(x > 0, torch.log(x), 0).sum() with a 0 in x: a finite loss, a NaN gradient"
    x = _leaf([0.0, 1.5, -2.0, 3.0])
    return {"where_log": _observe_nan(m, lambda t: torch.where(t > 0, torch.log(t), 0.0).sum(), x)}


@probe(judge=_nan_judge)
def nan_sources(m):
    "sqrt, division, a power, acos, and two NaN sources in one graph (both orders)"
    z = [0.0, 0.0, 4.0]
    return {
        "sqrt": _observe_nan(m, lambda t: (torch.sqrt(t) * 0).sum(), _leaf(z)),
        "div": _observe_nan(m, lambda a, b: (a / b).sum(), _leaf([0.0, 1.0]), _leaf([0.0, 2.0])),
        "pow": _observe_nan(m, lambda t: t.pow(0.5).mul(0).sum(), _leaf(z)),
        "acos": _observe_nan(m, lambda t: torch.acos(t).mul(0).sum(), _leaf([1.0, 0.5])),
        "log_then_sqrt": _observe_nan(
            m, lambda t: (torch.log(t) * 0).sum() + (torch.sqrt(t) * 0).sum(), _leaf(z)),
        "sqrt_then_log": _observe_nan(
            m, lambda t: (torch.sqrt(t) * 0).sum() + (torch.log(t) * 0).sum(), _leaf(z)),
    }


@probe(judge=_nan_judge)
def nan_in_model(m):
    "a Linear layer, then log(relu(h)).clamp(min=-5): the clamp hides the -inf, not the NaN"
    lin = _seeded(nn.Linear(3, 4), 12)
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(13))
    return {"clamped_log": _observe_nan(
        m, lambda inp: torch.log(torch.relu(lin(inp))).clamp(min=-5).sum(), x)}


@probe(judge=_nan_judge)
def no_nan(m):
    "functions whose gradients are finite, or only infinite (no NaN): the empty string"
    lin = _seeded(nn.Linear(3, 2), 14)
    g = torch.Generator().manual_seed(15)
    x, y = torch.randn(4, 3, generator=g), torch.randn(4, 2, generator=g)
    return {
        "tanh": _observe_nan(m, lambda t: torch.tanh(t).sum(), _leaf([0.0, 1.0, -3.0])),
        "inf_only": _observe_nan(m, lambda t: torch.sqrt(t).sum(), _leaf([0.0, 1.0])),
        "mse": _observe_nan(m, lambda a, b: nn.functional.mse_loss(lin(a), b), x, y),
    }


@probe(judge=_nan_judge)
def other_errors(m):
    "backward fails for other reasons (no grad_fn, a non-scalar output): the error propagates"
    return {
        "no_grad_fn": _observe_nan(m, lambda t: t.detach().sum(), _leaf([1.0, 2.0])),
        "not_scalar": _observe_nan(m, lambda t: t * 2, _leaf([1.0, 2.0])),
        "after_error": _observe_nan(m, lambda t: (torch.sqrt(t) * 0).sum(), _leaf([0.0])),
    }


@probe
def fn_called_once(m):
    "first_nan_op calls fn once, with the arguments it was given"
    calls = []

    def fn(a, b):
        calls.append((a.shape[0], b.shape[0]))
        return (a.sum() - b.sum()) ** 2

    res = raised(lambda: m.first_nan_op(fn, _leaf([1.0, 2.0]), _leaf([3.0])))
    torch.autograd.set_detect_anomaly(False)
    return {"calls": calls, "raised": res}
