"""Probes for bce_with_logits_stable: values and logits.grad against the reference (equal to
F.binary_cross_entropy_with_logits) for hard and soft targets, each reduction, pos_weight,
the gradient at x = 0, huge logits; shapes, dtype, bad arguments; kl_div_batchmean with zeros
in q and a 3-D input; no built-in shortcut."""

import torch

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
BIG = [-1e4, -100.0, -30.0, 30.0, 100.0, 1e4]
BIG_TARGETS = [0.0, 1.0, 0.5]


def _inputs(shape: tuple[int, ...], soft: bool = False,
            dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded logits (no exact zeros) and hard 0/1 or soft [0, 1] targets."""
    logits = torch.randn(shape, dtype=dtype) * 3 + 0.01
    target = torch.rand(shape, dtype=dtype)
    return logits, (target if soft else (target > 0.6).to(dtype))


def _run(f, logits: torch.Tensor, *args, **kwargs) -> dict:
    """f's value and the gradient of its first argument, after backward with a seeded g."""
    x = logits.detach().clone().requires_grad_()
    loss = f(x, *args, **kwargs)
    g = torch.linspace(0.5, 1.5, loss.numel(), dtype=loss.dtype).reshape(loss.shape)
    loss.backward(g)
    return {"loss": loss, "grad": x.grad}


@probe(public=True, **TOL)
def hard_targets_mean(m):
    "(16, 3) seeded logits, 0/1 targets, default arguments: loss and logits.grad"
    logits, target = _inputs((16, 3))
    return _run(m.bce_with_logits, logits, target)


@probe(**TOL)
def soft_targets(m):
    "soft targets in [0, 1]: loss and gradient"
    logits, target = _inputs((12, 4), soft=True)
    return _run(m.bce_with_logits, logits, target)


@probe(**TOL)
def reductions(m):
    "reduction='sum' and 'none' (shape kept, also for a 3-D input)"
    logits, target = _inputs((6, 5), soft=True)
    l3, t3 = _inputs((2, 3, 4))
    return {"sum": _run(m.bce_with_logits, logits, target, reduction="sum"),
            "none": _run(m.bce_with_logits, logits, target, reduction="none"),
            "none, 3-D": _run(m.bce_with_logits, l3, t3, reduction="none")}


@probe(**TOL)
def with_pos_weight(m):
    "pos_weight of shape (C,) on (N, C) inputs, hard and soft targets, mean and none"
    logits, target = _inputs((10, 4))
    soft_l, soft_t = _inputs((10, 4), soft=True)
    pw = torch.tensor([0.5, 1.0, 2.0, 4.0])
    return {"hard, mean": _run(m.bce_with_logits, logits, target, pos_weight=pw),
            "soft, none": _run(m.bce_with_logits, soft_l, soft_t, pos_weight=pw,
                               reduction="none")}


def _zero_judge(got, ref):
    msg = compare(got["loss"], ref["loss"], **TOL)
    if msg:
        return f"loss at x = 0: {msg}"
    g, r = got["grad"], ref["grad"]
    if not isinstance(g, torch.Tensor) or g.shape != r.shape:
        return compare(g, r)
    if compare(g, r, **TOL):
        return (f"the gradient at x = 0 for targets 0, 0.25, 0.5, 1 is {g.tolist()}, expected "
                f"{r.tolist()} (sigmoid(0) - y, times 1/N for the mean): check the slope your "
                "formula gets at 0, where max(x, 0) and |x| have kinks")
    return None


@probe(judge=_zero_judge)
def gradient_at_zero(m):
    "logits exactly 0 (a zero-initialised output layer): loss and gradient sigmoid(0) - y"
    logits = torch.zeros(4)
    target = torch.tensor([0.0, 0.25, 0.5, 1.0])
    return _run(m.bce_with_logits, logits, target)


def _finite_judge(got, ref):
    for name, obs in got.items():
        for key in ("loss", "grad"):
            t = obs[key]
            if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                    torch.isfinite(t).all()):
                what = "loss" if key == "loss" else "gradient"
                if t.dim() == 2 and t.shape[1] == len(BIG):
                    i, j = (int(v) for v in (~torch.isfinite(t)).nonzero()[0])
                    return (f"{name}: the {what} is {float(t[i, j])} at x = {BIG[j]:g}, "
                            f"target {BIG_TARGETS[i]}; it must be finite")
                return f"{name}: the {what} is not finite; it must be"
    return compare(got, ref, **TOL)


@probe(judge=_finite_judge)
def huge_logits(m):
    "logits ±30, ±100, ±1e4 with targets 0, 1 and 0.5: finite, correct values and gradients, also with pos_weight"
    logits = torch.tensor([BIG] * len(BIG_TARGETS))  # (3, 6)
    target = torch.tensor([[t] * len(BIG) for t in BIG_TARGETS])
    pw = torch.linspace(0.5, 3.0, 6)
    return {"none": _run(m.bce_with_logits, logits, target, reduction="none"),
            "mean": _run(m.bce_with_logits, logits, target),
            "pos_weight, none": _run(m.bce_with_logits, logits, target, pos_weight=pw,
                                     reduction="none")}


@probe
def float64_kept(m):
    "float64 logits and targets give a float64 loss, correct to float64 precision"
    logits, target = _inputs((5, 3), soft=True, dtype=torch.float64)
    return _run(m.bce_with_logits, logits, target,
                pos_weight=torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64))


@probe
def bad_arguments(m):
    "ValueError for reduction='avg' and for a (N, 1) target with (N,) logits"
    logits, target = _inputs((4,))
    return {"reduction='avg'": raised(lambda: m.bce_with_logits(logits, target, reduction="avg")),
            "shape mismatch": raised(lambda: m.bce_with_logits(logits, target[:, None]))}


def _probs(shape: tuple[int, ...], zeros: bool) -> torch.Tensor:
    """Seeded probability vectors over the last dimension, some entries exactly 0."""
    q = torch.rand(shape) + 0.05
    if zeros:
        q = q * (torch.rand(shape) > 0.35)
        q[..., 0] = q[..., 0] + 0.1  # every row keeps some mass
    return q / q.sum(-1, keepdim=True)


def _logp(shape: tuple[int, ...]) -> torch.Tensor:
    x = torch.randn(shape) * 2
    return x - torch.logsumexp(x, dim=-1, keepdim=True)


@probe(public=True, **TOL)
def kl_batchmean(m):
    "kl_div_batchmean on (8, 5): value and logp.grad"
    return _run(m.kl_div_batchmean, _logp((8, 5)), _probs((8, 5), zeros=False))


def _kl_zero_judge(got, ref):
    for key in ("loss", "grad"):
        t = got[key]
        if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                torch.isfinite(t).all()):
            return (f"the KL {'value' if key == 'loss' else 'gradient'} is not finite when q has "
                    "exact zeros: 0 * log 0 must count as 0")
    return compare(got, ref, **TOL)


@probe(judge=_kl_zero_judge)
def kl_with_zeros(m):
    "q with exact zeros: the KL is finite and correct (0 log 0 = 0)"
    return _run(m.kl_div_batchmean, _logp((6, 7)), _probs((6, 7), zeros=True))


@probe(**TOL)
def kl_three_dims(m):
    "a (4, 3, 5) input: summed over everything, divided by the batch size 4"
    return _run(m.kl_div_batchmean, _logp((4, 3, 5)), _probs((4, 3, 5), zeros=False))


_BANNED = {"binary_cross_entropy_with_logits", "binary_cross_entropy", "BCEWithLogitsLoss",
           "BCELoss", "kl_div", "KLDivLoss"}


@source_probe
def written_by_hand(source):
    "no F.binary_cross_entropy(_with_logits), nn.BCE(WithLogits)Loss, F.kl_div or nn.KLDivLoss"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, _BANNED)
    if found:
        return f"uses {found}; write the loss from log1p, exp and the logits yourself"
    return None
