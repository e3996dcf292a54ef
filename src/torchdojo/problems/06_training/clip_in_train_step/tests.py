"""Probes for clip_in_train_step. Every probe builds a tiny MLP itself, loads seeded weights,
leaves stale gradients in .grad, runs one learner train_step with a plain SGD optimizer and
returns the returned floats, the parameters afterwards and (with a scaler) its scale; the worker
compares them with the reference's observation."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
SPEC = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (2, 8), "2.bias": (2,)}


def _setup(seed: int, y_scale: float = 10.0):
    """Model with probe-made weights and stale gradients, a seeded batch, SGD(lr=0.1)."""
    g = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in SPEC.items()},
                          strict=True)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 100.0  # stale: must be zeroed first
    x = torch.randn(6, 4, generator=g)
    y = torch.randn(6, 2, generator=g) * y_scale  # far targets: large gradients
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, (x, y), opt


def _obs(model, out, scaler=None):
    obs = {"out_type": type(out).__name__,
           "types": [type(v).__name__ for v in out] if isinstance(out, tuple) else None,
           "out": list(out) if isinstance(out, tuple) else None,
           "params": {n: p.detach().clone() for n, p in model.named_parameters()}}
    if scaler is not None:
        obs["scale"] = float(scaler.get_scale())
    return obs


def _judge(check_norm: bool = True):
    def judge(got, ref):
        if got["out_type"] != "tuple" or len(got["out"]) != 2:
            return f"train_step must return a tuple (loss, grad_norm), got {got['out_type']}"
        if got["types"] != ["float", "float"]:
            return f"both returned values must be Python floats, got {got['types']}"
        msg = compare(got["out"][0], ref["out"][0], **TOL)
        if msg:
            return f"returned loss differs: {msg}"
        if check_norm:
            msg = compare(got["out"][1], ref["out"][1], **TOL)
            if msg:
                return ("returned gradient norm differs (the global L2 norm of this batch's "
                        f"unscaled gradients, before clipping): {msg}")
        for n, r in ref["params"].items():
            msg = compare(got["params"][n], r, **TOL)
            if msg:
                return f"parameter {n} after the step differs: {msg}"
        if "scale" in ref:
            msg = compare(got["scale"], ref["scale"])
            if msg:
                return f"the scaler's scale after the step differs: {msg}"
        return None
    return judge


@probe(public=True, judge=_judge())
def norm_clipping(m):
    "large gradients, max_norm=0.5: loss, pre-clip norm and parameters after the step"
    model, batch, opt = _setup(1)
    return _obs(model, m.train_step(model, batch, nn.MSELoss(), opt, max_norm=0.5))


@probe(judge=_judge())
def value_clipping(m):
    "clip_value=0.05 only: every gradient element clamped before the step"
    model, batch, opt = _setup(2)
    return _obs(model, m.train_step(model, batch, nn.MSELoss(), opt, clip_value=0.05))


@probe(judge=_judge())
def no_clipping(m):
    "max_norm=None, clip_value=None: a plain step; the norm is still reported"
    model, batch, opt = _setup(3, y_scale=1.0)
    return _obs(model, m.train_step(model, batch, nn.MSELoss(), opt))


@probe(judge=_judge())
def norm_below_threshold(m):
    "max_norm larger than the norm: gradients are left as they are"
    model, batch, opt = _setup(4, y_scale=0.1)
    return _obs(model, m.train_step(model, batch, nn.MSELoss(), opt, max_norm=1e3))


@probe(judge=_judge())
def norm_then_value(m):
    "max_norm=1.0 and clip_value=0.1 together, in the stated order"
    model, batch, opt = _setup(5)
    return _obs(model, m.train_step(model, batch, nn.MSELoss(), opt, max_norm=1.0,
                                    clip_value=0.1))


@probe(judge=_judge())
def scaler_clips_unscaled(m):
    "GradScaler('cpu', init_scale=2**16), max_norm=0.5: clipping sees the real gradients"
    model, batch, opt = _setup(6)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
    out = m.train_step(model, batch, nn.MSELoss(), opt, max_norm=0.5, scaler=scaler)
    return _obs(model, out, scaler)


@probe(judge=_judge())
def scaler_value_clip(m):
    "GradScaler with clip_value=0.05: the threshold applies to unscaled gradients"
    model, batch, opt = _setup(7)
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**10)
    out = m.train_step(model, batch, nn.MSELoss(), opt, clip_value=0.05, scaler=scaler)
    return _obs(model, out, scaler)


@probe(judge=_judge(check_norm=False))
def scaler_skips_overflow(m):
    "a step whose scaled gradients overflow is skipped and the scale is halved"
    model, batch, opt = _setup(8)

    def huge_loss(out, y):
        return nn.functional.mse_loss(out, y) * 1e34  # finite, but x 2**16 overflows float32

    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
    out = m.train_step(model, batch, huge_loss, opt, max_norm=1.0, scaler=scaler)
    return _obs(model, out, scaler)
