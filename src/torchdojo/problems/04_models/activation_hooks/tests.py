"""Probes for activation_hooks: captured activations and output gradients on a fixed small model
(a module used twice, nested names, one that never runs) compared with the reference's; copies
that are detached and not aliased with a later in-place ReLU; no hook left on any module after
success, after an exception and after an unknown name, while hooks the caller registered stay;
no FutureWarning (the deprecated register_backward_hook); no .grad changed, no parameter
changed, the model's mode kept."""

import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised


class _Net(nn.Module):
    """fc1 -> act -> block (Linear, Sigmoid) -> act -> out; `act` runs twice, `spare` never."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.act = nn.Tanh()
        self.block = nn.Sequential(nn.Linear(5, 4), nn.Sigmoid())
        self.out = nn.Linear(4, 2)
        self.spare = nn.Linear(2, 2)

    def forward(self, x):
        return self.out(self.act(self.block(self.act(self.fc1(x)))))


class _Boom(nn.Module):
    """Raises in forward: the forward of the whole model fails after earlier hooks ran."""

    def forward(self, x):
        raise ValueError("boom")


def _net() -> nn.Module:
    torch.manual_seed(0)
    return _Net()


def _x(requires_grad: bool = False) -> torch.Tensor:
    return torch.randn(6, 3, generator=torch.Generator().manual_seed(1)).requires_grad_(
        requires_grad)


_HOOK_DICTS = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")


def _hooks_left(model: nn.Module) -> dict[str, int]:
    """Number of hooks of each kind on every module, and the global module hooks."""
    counts = {}
    for name, mod in model.named_modules():
        for attr in _HOOK_DICTS:
            n = len(getattr(mod, attr))
            if n:
                counts[f"{name or '<model>'}.{attr}"] = n
    mm = nn.modules.module
    for attr in ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
                 "_global_backward_pre_hooks"):
        n = len(getattr(mm, attr, {}))
        if n:
            counts[f"torch.nn.modules.module.{attr}"] = n
    return counts


def _obs_capture(result) -> dict:
    """The captured dict as plain data: keys, per-name lists, and each tensor's graph flags."""
    if not isinstance(result, dict):
        return {"type": type(result).__name__}
    values, flags = {}, {}
    for k, v in result.items():
        if isinstance(v, list) and all(isinstance(t, torch.Tensor) for t in v):
            values[str(k)] = [t.detach().clone() for t in v]
            flags[str(k)] = [t.requires_grad or t.grad_fn is not None for t in v]
        else:
            values[str(k)] = {"type": type(v).__name__}
    return {"type": "dict", "keys": sorted(str(k) for k in result), "values": values,
            "flags": flags}


def _capture_judge(what: str, extra=None):
    def judge(got, ref):
        cap, want = got["capture"], ref["capture"]
        if cap["type"] != "dict":
            return f"{what}: expected a dict of lists of tensors, got {cap['type']}"
        if cap["keys"] != want["keys"]:
            return f"{what}: expected the keys {want['keys']}, got {cap['keys']}"
        for k in want["keys"]:
            g, r = cap["values"][k], want["values"][k]
            if not isinstance(g, list):
                return f"{what}: [{k!r}] should be a list of tensors, got {g['type']}"
            if len(g) != len(r):
                return (f"{what}: [{k!r}] holds {len(g)} tensor(s), expected {len(r)}: one per "
                        f"call of the module during this pass")
            if any(cap["flags"][k]):
                return (f"{what}: [{k!r}] is still attached to the autograd graph "
                        "(requires_grad or a grad_fn): store detached copies")
            why = compare(g, r, rtol=1e-5, atol=1e-6, path=f"[{k!r}]")
            if why:
                return f"{what}: {why}"
        return extra(got, ref) if extra else None
    return judge


def _no_hooks_judge(got, ref):
    if got["hooks_left"] != ref["hooks_left"]:
        left = {k: v for k, v in got["hooks_left"].items() if ref["hooks_left"].get(k) != v}
        return ("hooks are still registered after the call (every handle must be removed, "
                f"and only those): {left or got['hooks_left']}")
    return None


def _warn_judge(got, ref):
    bad = [w for w in got.get("warnings", []) if w.startswith(("FutureWarning",
                                                               "DeprecationWarning"))]
    if bad:
        return f"the call emitted {bad[0][:150]}: use register_full_backward_hook"
    flags = got.get("full_hook_flags", {})
    if any(v is False for v in flags.values()):
        return ("a module got a non-full backward hook (Module.register_backward_hook, "
                "deprecated): use register_full_backward_hook")
    return None


def _chain(*judges):
    def judge(got, ref):
        for j in judges:
            why = j(got, ref)
            if why:
                return why
        return None
    return judge


# ---- capture_activations ----

@probe(public=True, judge=_capture_judge("capture_activations", _no_hooks_judge))
def activations_values(m):
    "names fc1, act (runs twice), block.0 and out on a small fixed model: the captured outputs"
    model, x = _net(), _x()
    res = m.capture_activations(model, ["fc1", "act", "block.0", "out"], x)
    return {"capture": _obs_capture(res), "hooks_left": _hooks_left(model)}


@probe(judge=_capture_judge("capture_activations"))
def activations_not_run_and_nested(m):
    "a named module that never runs gives []; the nested Sequential 'block' and its Sigmoid"
    model, x = _net(), _x()
    return {"capture": _obs_capture(m.capture_activations(model, ["spare", "block", "block.1"],
                                                          x))}


@probe(judge=_capture_judge("Linear followed by ReLU(inplace=True)"))
def activations_not_aliased(m):
    "the output of a Linear that a ReLU(inplace=True) overwrites next: its value before the ReLU"
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(inplace=True), nn.Linear(8, 2))
    return {"capture": _obs_capture(m.capture_activations(model, ["0", "1"], _x()))}


def _error_judge(got, ref):
    if got["raised"] != ref["raised"]:
        return (f"expected the call to raise {ref['raised']}, got "
                f"{got['raised'] or 'no exception'}")
    return _no_hooks_judge(got, ref)


@probe(judge=_error_judge)
def activations_forward_raises(m):
    "the forward raises ValueError after the hooked modules ran: it propagates, no hooks remain"
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), _Boom())
    err = raised(lambda: m.capture_activations(model, ["0", "1"], _x()))
    return {"raised": err, "hooks_left": _hooks_left(model)}


@probe(judge=_error_judge)
def unknown_name(m):
    "an unknown module name raises KeyError and leaves no hook behind"
    model = _net()
    err = raised(lambda: m.capture_activations(model, ["fc1", "act", "fc9"], _x()))
    return {"raised": err, "hooks_left": _hooks_left(model)}


def _others_judge(got, ref):
    if got["mine_fired"] != ref["mine_fired"]:
        return (f"a hook the caller had registered fired {got['mine_fired']} time(s) during the "
                f"call, expected {ref['mine_fired']}: leave other hooks alone")
    return _no_hooks_judge(got, ref)


@probe(judge=_chain(_capture_judge("capture_activations"), _others_judge))
def keeps_callers_hooks(m):
    "hooks the caller registered before stay registered (and fire); only yours are removed"
    model, x = _net(), _x()
    fired = []
    mine = [model.fc1.register_forward_hook(lambda mod, i, o: fired.append(1)),
            model.out.register_forward_pre_hook(lambda mod, i: fired.append(1))]
    try:
        res = m.capture_activations(model, ["fc1", "out"], x)
        left = _hooks_left(model)
    finally:
        for h in mine:
            h.remove()
    return {"capture": _obs_capture(res), "hooks_left": left, "mine_fired": len(fired)}


# ---- capture_gradients ----

def _sq_loss(out: torch.Tensor) -> torch.Tensor:
    return (out ** 2).sum()


def _grads_obs(m, model, names, x, loss_fn=_sq_loss) -> dict:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = m.capture_gradients(model, names, x, loss_fn)
    table = dict(model.named_modules())
    return {"capture": _obs_capture(res), "hooks_left": _hooks_left(model),
            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
            "full_hook_flags": {n: getattr(table[n], "_is_full_backward_hook", None)
                                for n in names}}


@probe(public=True, judge=_chain(_warn_judge, _capture_judge("capture_gradients"),
                                 _no_hooks_judge))
def gradients_values(m):
    "d loss / d output of fc1, act (twice), block.0 and out; loss = sum of squared outputs"
    model = _net()
    return _grads_obs(m, model, ["fc1", "act", "block.0", "out"], _x(requires_grad=True))


@probe(judge=_chain(_warn_judge, _capture_judge("capture_gradients")))
def gradients_other_loss(m):
    "an input that does not require grad, names act/block/out, a cross-entropy loss"
    model = _net()
    target = torch.tensor([0, 1, 1, 0, 1, 0])

    def loss_fn(out):
        return nn.functional.cross_entropy(out, target)

    return _grads_obs(m, model, ["act", "block", "out"], _x(), loss_fn)


def _side_judge(got, ref):
    for key, text in (("grads", "the parameters' .grad changed"),
                      ("x_grad", "x.grad changed"),
                      ("params", "the parameters changed"),
                      ("training", "the model's train/eval mode changed")):
        why = compare(got[key], ref[key], rtol=0, atol=0, path=key)
        if why:
            return f"{text}: capture_gradients must have no side effects ({why})"
    return None


@probe(judge=_side_judge)
def gradients_no_side_effects(m):
    "after capture_gradients: every .grad as before (None, or a stale one), same parameters, same mode"
    model = _net().eval()
    model.fc1.weight.grad = torch.full_like(model.fc1.weight, 0.5)  # a stale gradient
    x = _x(requires_grad=True)
    m.capture_gradients(model, ["fc1", "act", "out"], x, _sq_loss)
    return {"grads": {n: p.grad for n, p in model.named_parameters()},
            "x_grad": x.grad, "training": model.training,
            "params": {n: p.detach().clone() for n, p in model.named_parameters()}}


@probe(judge=_error_judge)
def gradients_loss_raises(m):
    "loss_fn raises RuntimeError: it propagates and no hook remains on any module"
    model = _net()

    def loss_fn(out):
        raise RuntimeError("bad loss")

    err = raised(lambda: m.capture_gradients(model, ["fc1", "act", "out"],
                                             _x(requires_grad=True), loss_fn))
    return {"raised": err, "hooks_left": _hooks_left(model)}
