"""Probes for debug_nan_loss. The losses are called on probe-made logits (ordinary ones and ones
of +-100 and +-1e4) and differentiated; standardize on ordinary, exactly constant and nearly
constant columns; fit on a probe-built nn.Linear with fixed weights, data with a constant
column, for a large and a small learning rate. Values, gradients and loss lists are compared
with the stable reference's, after a judge has checked that they are finite."""

import math

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _loss_obs(fn, logits, target):
    logits = logits.clone().requires_grad_(True)
    loss = fn(logits, target)
    if not (isinstance(loss, torch.Tensor) and loss.requires_grad and loss.dim() == 0):
        return {"ok": False, "what": type(loss).__name__ if not isinstance(loss, torch.Tensor)
                else f"a tensor of shape {tuple(loss.shape)}, requires_grad={loss.requires_grad}"}
    loss.backward()
    return {"ok": True, "loss": loss.detach(), "grad": logits.grad}


def _judge_loss(got, ref, tol=TOL):
    if not got["ok"]:
        return f"expected a 0-d tensor differentiable in the logits, got {got['what']}"
    if not bool(torch.isfinite(got["loss"])):
        return f"the loss is {got['loss'].item()}, expected a finite value"
    if got["grad"] is None or not bool(torch.isfinite(got["grad"]).all()):
        return "the gradient with respect to the logits is missing or has nan/inf entries"
    msg = compare(got["loss"], ref["loss"], **tol)
    if msg:
        return f"the loss differs from the stable reference: {msg}"
    msg = compare(got["grad"], ref["grad"], **tol)
    return f"the gradient differs from the stable reference: {msg}" if msg else None


@probe(public=True, judge=_judge_loss)
def ce_ordinary(m):
    "cross_entropy on ordinary logits (6 x 4): value and gradient"
    g = torch.Generator().manual_seed(1)
    return _loss_obs(m.cross_entropy, torch.randn(6, 4, generator=g) * 2,
                     torch.randint(0, 4, (6,), generator=g))


@probe(public=True, judge=_judge_loss)
def ce_confident(m):
    "cross_entropy with logits of +-100, right and wrong: finite and equal to the reference"
    logits = torch.tensor([[100.0, -100.0, 0.0], [100.0, -100.0, 0.0], [-100.0, 100.0, 50.0],
                           [0.5, -0.25, 0.0]])
    return _loss_obs(m.cross_entropy, logits, torch.tensor([0, 1, 2, 0]))


def _judge_loss_huge(got, ref):
    # float32 spacing at 1e4 is about 1e-3: stable formulas agree only to about 1e-4 here
    return _judge_loss(got, ref, tol={"rtol": 1e-4, "atol": 1e-3})


@probe(judge=_judge_loss_huge)
def ce_huge_logits(m):
    "cross_entropy with logits of +-1e4"
    g = torch.Generator().manual_seed(2)
    logits = torch.randn(5, 6, generator=g).sign() * 1e4
    logits[0, 0] = 3.0
    return _loss_obs(m.cross_entropy, logits, torch.randint(0, 6, (5,), generator=g))


@probe(public=True, judge=_judge_loss)
def bce_ordinary(m):
    "binary_cross_entropy on ordinary logits with soft targets"
    g = torch.Generator().manual_seed(3)
    return _loss_obs(m.binary_cross_entropy, torch.randn(8, generator=g) * 2,
                     torch.rand(8, generator=g))


@probe(judge=_judge_loss)
def bce_confident(m):
    "binary_cross_entropy with logits of +-100 and +-1e4, right and wrong"
    logits = torch.tensor([[100.0, -100.0, 100.0, -100.0], [1e4, -1e4, 30.0, -0.5]])
    target = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.25, 0.5]])
    return _loss_obs(m.binary_cross_entropy, logits, target)


def _std_obs(m, x):
    before = x.clone()
    out = m.standardize(x)
    return {"out": out, "x": x, "before": before}


def _judge_std(got, ref):
    if not isinstance(got["out"], torch.Tensor):
        return "standardize must return a tensor"
    if compare(got["x"], got["before"], rtol=0, atol=0):
        return "standardize modified its input in place"
    if not bool(torch.isfinite(got["out"]).all()):
        return "the standardised features contain nan/inf"
    msg = compare(got["out"], ref["out"], **TOL)
    return f"the standardised features differ from (x - mean) / (std + eps): {msg}" if msg else None


@probe(public=True, judge=_judge_std)
def standardize_ordinary(m):
    "standardize on 10 x 3 data of different scales"
    g = torch.Generator().manual_seed(4)
    return _std_obs(m, torch.randn(10, 3, generator=g) * torch.tensor([1.0, 50.0, 0.2]) + 4)


@probe(judge=_judge_std)
def standardize_constant_columns(m):
    "standardize with exactly constant columns next to an ordinary one"
    g = torch.Generator().manual_seed(5)
    x = torch.zeros(7, 4)
    x[:, 1] = 3.0
    x[:, 2] = -2.5
    x[:, 3] = torch.randn(7, generator=g)
    return _std_obs(m, x)


@probe(judge=_judge_std)
def standardize_nearly_constant(m):
    "standardize with a column whose standard deviation is about 1e-4"
    g = torch.Generator().manual_seed(6)
    x = torch.randn(12, 2, generator=g)
    x[:, 0] = 1e-4 * torch.randn(12, generator=g)  # centred near 0: well conditioned
    return _std_obs(m, x)


def _fit_obs(m, seed, n, d, steps, lr, max_norm):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g) * 50 + 10
    x[:, 1] = 3.0  # a constant feature
    w = torch.randn(d, 1, generator=g) * 3
    xs = (x - x.mean(0)) / (x.std(0) + 1e-5)
    y = xs @ w + 5 + 0.1 * torch.randn(n, 1, generator=g)
    model = nn.Linear(d, 1)
    model.load_state_dict({"weight": torch.randn(1, d, generator=g) * 0.1,
                           "bias": torch.zeros(1)}, strict=True)
    out = m.fit(model, x, y, steps, lr, max_norm)
    losses = list(out) if isinstance(out, list) else None
    return {"type": type(out).__name__, "steps": steps,
            "types": sorted({type(v).__name__ for v in losses}) if losses is not None else None,
            "losses": [float(v) for v in losses] if losses is not None
            and all(isinstance(v, float) for v in losses) else None,
            "params": {k: v.detach().clone() for k, v in model.state_dict().items()}}


def _judge_fit(got, ref):
    if got["type"] != "list":
        return f"fit must return a list of Python floats, got {got['type']}"
    if got["losses"] is None:
        return f"fit must return Python floats, got elements of type {got['types']}"
    losses = got["losses"]
    if len(losses) != got["steps"]:
        return f"expected {got['steps']} losses, one per step, got {len(losses)}"
    bad = [i for i, v in enumerate(losses) if not math.isfinite(v)]
    if bad:
        return f"the loss is {losses[bad[0]]} at step {bad[0]}: training blew up"
    if not losses[-1] < losses[0]:
        return f"the loss did not go down: {losses[0]:.4g} at the first step, {losses[-1]:.4g} at the last"
    msg = compare(losses, ref["losses"], rtol=1e-4, atol=1e-6)
    if msg:
        return f"the losses differ from a correct run (clipped SGD on standardised x): {msg}"
    msg = compare(got["params"], ref["params"], rtol=1e-4, atol=1e-6)
    return f"the final weights differ from a correct run: {msg}" if msg else None


@probe(public=True, judge=_judge_fit)
def fit_large_lr(m):
    "fit with lr=3, max_norm=1 for 40 steps on 32 x 4 data with a constant column"
    return _fit_obs(m, 7, n=32, d=4, steps=40, lr=3.0, max_norm=1.0)


@probe(judge=_judge_fit)
def fit_other_data(m):
    "fit with lr=1.5, max_norm=0.5 for 30 steps on 20 x 3 data"
    return _fit_obs(m, 8, n=20, d=3, steps=30, lr=1.5, max_norm=0.5)


@probe(judge=_judge_fit)
def fit_small_lr(m):
    "fit with lr=0.1 and a max_norm so large that clipping never acts"
    return _fit_obs(m, 9, n=16, d=3, steps=15, lr=0.1, max_norm=1e4)
