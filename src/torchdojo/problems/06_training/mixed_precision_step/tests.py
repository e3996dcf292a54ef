"""Probes for mixed_precision_step. Every probe builds a tiny MLP itself, loads probe-made weights
(strict), leaves stale gradients in .grad, and instruments the step: forward hooks on the Linear
layers record their output dtype, tensor hooks on the parameters record whether autocast was on
during backward, and a wrapper around optimizer.step records autocast, the gradient norm it steps
with and how often it ran. Scalers are real CPU GradScalers, one of them recording its calls.
The worker compares everything with the reference's observation."""

import math
import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
SPEC = {"0.weight": (8, 5), "0.bias": (8,), "2.weight": (3, 8), "2.bias": (3,)}


def _setup(seed: int, y_scale: float = 1.0, classify: bool = False, n: int = 12):
    """A probe-made MLP with stale gradients and a seeded batch."""
    g = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in SPEC.items()},
                          strict=True)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 50.0  # stale: must be zeroed first
    x = torch.randn(n, 5, generator=g)
    if classify:
        y = torch.randint(0, 3, (n,), generator=g)
    else:
        y = torch.randn(n, 3, generator=g) * y_scale
    return model, x, y, g


class _Recorder:
    """Hooks that watch one model and its optimizer during the learner's steps."""

    def __init__(self, model: nn.Module, opt: torch.optim.Optimizer):
        self.fwd, self.bwd, self.step_ac, self.step_norms = [], [], [], []
        self.handles = []
        for mod in model.modules():
            if isinstance(mod, nn.Linear):
                self.handles.append(mod.register_forward_hook(self._on_forward))
        self.params = list(model.parameters())
        for p in self.params:
            self.handles.append(p.register_hook(self._on_grad))
        real_step = opt.step

        def step(*args, **kwargs):
            self.step_ac.append(torch.is_autocast_enabled("cpu"))
            grads = [p.grad.detach().double() for p in self.params if p.grad is not None]
            norm = math.sqrt(sum(float((gr * gr).sum()) for gr in grads)) if grads else -1.0
            self.step_norms.append(norm)
            return real_step(*args, **kwargs)

        opt.step = step

    def _on_forward(self, module, inputs, output):
        self.fwd.append(str(output.dtype).removeprefix("torch."))

    def _on_grad(self, grad):
        self.bwd.append(torch.is_autocast_enabled("cpu"))

    def close(self):
        for h in self.handles:
            h.remove()


class _SpyScaler(torch.amp.GradScaler):
    """A real CPU GradScaler that records its calls and the gradient norm after unscale_."""

    def __init__(self, params, **kwargs):
        super().__init__("cpu", **kwargs)
        self.events: list[str] = []
        self.unscaled_norms: list[float] = []
        self._params = list(params)

    def scale(self, outputs):
        self.events.append("scale")
        return super().scale(outputs)

    def unscale_(self, optimizer):
        self.events.append("unscale_")
        super().unscale_(optimizer)
        grads = [p.grad.detach().double() for p in self._params if p.grad is not None]
        self.unscaled_norms.append(math.sqrt(sum(float((gr * gr).sum()) for gr in grads)))

    def step(self, optimizer, *args, **kwargs):
        self.events.append("step")
        return super().step(optimizer, *args, **kwargs)

    def update(self, new_scale=None):
        self.events.append("update")
        return super().update(new_scale)


def _run(m, model, opt, batches, loss_fn, scaler=None, **kwargs):
    """Call amp_train_step once per (x, y) batch; observe everything."""
    rec = _Recorder(model, opt)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    outs, scales = [], []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for x, y in batches:
                outs.append(m.amp_train_step(model, x, y, loss_fn, opt, scaler, **kwargs))
                if scaler is not None:
                    scales.append(float(scaler.get_scale()))
    finally:
        rec.close()
    obs = {"types": [type(o).__name__ for o in outs],
           "losses": [o if isinstance(o, float) else None for o in outs],
           "fwd": rec.fwd, "bwd": rec.bwd, "step_ac": rec.step_ac,
           "step_norms": rec.step_norms, "scales": scales,
           "param_dtypes": sorted({str(p.dtype).removeprefix("torch.")
                                   for p in model.parameters()}),
           "warnings": [f"{w.category.__name__}: {str(w.message)[:90]}" for w in caught],
           "before": before,
           "params": {n: p.detach().clone() for n, p in model.named_parameters()}}
    if isinstance(scaler, _SpyScaler):
        obs["events"] = scaler.events
        obs["unscaled_norms"] = scaler.unscaled_norms
    return obs


def _judge(check_events: bool = False, unchanged: bool = False):
    def judge(got, ref):
        if got["warnings"]:
            return f"the step emitted a warning: {got['warnings'][0]}"
        if any(t != "float" for t in got["types"]):
            return f"amp_train_step must return a Python float, got {got['types']}"
        if got["fwd"] != ref["fwd"]:
            want = sorted(set(ref["fwd"]))
            return (f"the Linear layers' outputs during the step were {sorted(set(got['fwd']))}, "
                    f"expected {want} (the forward pass should run under autocast with the "
                    "given device_type and dtype)")
        if any(got["bwd"]):
            return "backward ran with autocast still enabled (only forward and loss belong inside)"
        if got["param_dtypes"] != ref["param_dtypes"]:
            return (f"the parameters are {got['param_dtypes']} after the step, expected "
                    f"{ref['param_dtypes']} (autocast leaves the model's weights alone)")
        if any(got["step_ac"]):
            return "optimizer.step() ran with autocast enabled"
        if len(got["step_ac"]) != len(ref["step_ac"]):
            return (f"optimizer.step() ran {len(got['step_ac'])} time(s) over "
                    f"{len(ref['types'])} call(s), expected {len(ref['step_ac'])} (a step with "
                    "inf/NaN gradients must be skipped by the scaler)")
        if check_events and got.get("events") != ref["events"]:
            return (f"the scaler's methods were called as {got.get('events')}, expected "
                    f"{ref['events']}")
        msg = compare(got["losses"], ref["losses"], **TOL)
        if msg:
            return f"returned losses differ (the unscaled loss of each step): {msg}"
        if "unscaled_norms" in ref:
            msg = compare(got.get("unscaled_norms"), ref["unscaled_norms"], **TOL)
            if msg:
                return ("the gradient norm right after unscale_ differs (were the gradients "
                        f"already changed before unscale_?): {msg}")
        msg = compare(got["step_norms"], ref["step_norms"], **TOL)
        if msg:
            return f"the gradients optimizer.step() used differ (scale, clipping?): {msg}"
        msg = compare(got["scales"], ref["scales"])
        if msg:
            return f"the scaler's scale after each step differs: {msg}"
        for n, r in ref["params"].items():
            if unchanged and compare(got["params"][n], got["before"][n]):
                return f"parameter {n} changed in a step whose gradients overflowed"
            msg = compare(got["params"][n], r, **TOL)
            if msg:
                return f"parameter {n} after the step(s) differs: {msg}"
        return None
    return judge


@probe(public=True, judge=_judge())
def bf16_step_no_scaler(m):
    "bfloat16 autocast, no scaler, no clipping, SGD: dtypes inside the step, loss, parameters"
    model, x, y, _ = _setup(1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return _run(m, model, opt, [(x, y)], nn.MSELoss())


@probe(judge=_judge())
def bf16_classifier_adam_steps(m):
    "bfloat16, CrossEntropyLoss, Adam, three steps on different batches, no scaler"
    model, _, _, g = _setup(2, classify=True)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    batches = [(torch.randn(n, 5, generator=g), torch.randint(0, 3, (n,), generator=g))
               for n in (8, 5, 11)]
    return _run(m, model, opt, batches, nn.CrossEntropyLoss())


@probe(judge=_judge())
def float16_dtype_with_scaler(m):
    "dtype=torch.float16 on the CPU with a GradScaler('cpu', init_scale=2**10), two steps"
    model, x, y, g = _setup(3)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10)
    x2, y2 = torch.randn(7, 5, generator=g), torch.randn(7, 3, generator=g)
    return _run(m, model, opt, [(x, y), (x2, y2)], nn.MSELoss(), scaler, dtype=torch.float16)


@probe(judge=_judge(check_events=True))
def scaler_unscale_then_clip(m):
    "a recording GradScaler (init_scale=2**14), max_norm=0.3, large gradients: call order and clipping"
    model, x, y, _ = _setup(4, y_scale=20.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = _SpyScaler(model.parameters(), init_scale=2.0**14)
    return _run(m, model, opt, [(x, y)], nn.MSELoss(), scaler, max_norm=0.3)


@probe(judge=_judge())
def scaler_no_clipping(m):
    "a GradScaler without clipping (max_norm=None): the update equals the unscaled one"
    model, x, y, _ = _setup(5, y_scale=3.0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**12)
    return _run(m, model, opt, [(x, y)], nn.MSELoss(), scaler)


@probe(public=True, judge=_judge(unchanged=True))
def overflow_step_skipped(m):
    "a finite loss whose scaled gradients overflow float32: the step is skipped, the scale backs off"
    model, x, y, _ = _setup(6, y_scale=5.0)

    def huge_loss(out, target):
        return nn.functional.mse_loss(out, target) * 1e34  # finite; x 2**16 is not

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16, backoff_factor=0.25)
    return _run(m, model, opt, [(x, y)], huge_loss, scaler, max_norm=1.0)


@probe(judge=_judge())
def scale_backoff_and_growth(m):
    "six steps, growth_interval=2, an inf gradient injected in the third: scales and parameters"
    model, _, _, g = _setup(7)
    batches = [(torch.randn(6, 5, generator=g), torch.randn(6, 3, generator=g))
               for _ in range(6)]
    calls = {"n": 0}

    def poison(grad):  # the third backward's gradient of the last bias becomes inf
        calls["n"] += 1
        return grad * float("inf") if calls["n"] == 3 else grad

    handle = model[2].bias.register_hook(poison)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**8, growth_factor=4.0,
                                  backoff_factor=0.5, growth_interval=2)
    try:
        return _run(m, model, opt, batches, nn.MSELoss(), scaler, max_norm=2.0)
    finally:
        handle.remove()
