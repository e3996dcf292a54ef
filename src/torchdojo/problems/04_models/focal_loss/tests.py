"""Probes for focal_loss: FocalLoss (binary) and multiclass_focal_loss against the reference
(which equals torchvision.ops.sigmoid_focal_loss and, for gamma=0, F.cross_entropy): values
and logits.grad for each reduction, gamma 0-3, alpha None / other values, easy examples
down-weighted, huge logits finite, shapes, dtype, gradcheck, bad reductions, no shortcut."""

import torch

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _binary(shape: tuple[int, ...], dtype: torch.dtype = torch.float32
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded logits with confident right and wrong examples mixed in, and 0/1 targets."""
    logits = torch.randn(shape, dtype=dtype) * 2.5
    target = (torch.rand(shape) < 0.3).to(dtype)
    flat_x, flat_t = logits.view(-1), target.view(-1)
    n = min(4, flat_x.numel() // 4)
    # confident and right, confident and wrong, for both labels
    flat_x[:n], flat_t[:n] = 6.0, 1.0
    flat_x[n:2 * n], flat_t[n:2 * n] = -6.0, 0.0
    flat_x[2 * n:3 * n], flat_t[2 * n:3 * n] = -6.0, 1.0
    flat_x[3 * n:4 * n], flat_t[3 * n:4 * n] = 6.0, 0.0
    return logits, target


def _run(f, logits: torch.Tensor, *args) -> dict:
    """f's value and logits.grad after backward with a seeded upstream gradient."""
    x = logits.detach().clone().requires_grad_()
    loss = f(x, *args)
    g = torch.linspace(0.5, 1.5, loss.numel(), dtype=loss.dtype).reshape(loss.shape)
    loss.backward(g)
    return {"loss": loss, "grad": x.grad}


@probe(public=True, **TOL)
def binary_defaults(m):
    "FocalLoss() (alpha=0.25, gamma=2, mean) on seeded (16, 3) logits: loss and gradient"
    logits, target = _binary((16, 3))
    return _run(m.FocalLoss(), logits, target)


@probe(**TOL)
def binary_reductions(m):
    "FocalLoss(reduction='none') keeps the shape; reduction='sum'"
    logits, target = _binary((8, 4))
    return {r: _run(m.FocalLoss(reduction=r), logits, target) for r in ("none", "sum")}


@probe(**TOL)
def binary_gammas(m):
    "gamma = 0, 1, 2 and 3 (reduction='none')"
    logits, target = _binary((6, 4))
    return {f"gamma={g}": _run(m.FocalLoss(gamma=g, reduction="none"), logits, target)
            for g in (0.0, 1.0, 2.0, 3.0)}


@probe(**TOL)
def binary_alphas(m):
    "alpha=None (no alpha factor) with gamma 2 and 0, and alpha=0.75"
    logits, target = _binary((6, 4))
    return {"alpha=None": _run(m.FocalLoss(alpha=None, reduction="none"), logits, target),
            "alpha=None, gamma=0": _run(m.FocalLoss(alpha=None, gamma=0.0), logits, target),
            "alpha=0.75": _run(m.FocalLoss(alpha=0.75, reduction="sum"), logits, target)}


@probe(**TOL)
def binary_shapes(m):
    "a 1-D input of 7 logits and an (N, 1, H, W) = (2, 1, 3, 5) input"
    l1, t1 = _binary((7,))
    l4, t4 = _binary((2, 1, 3, 5))
    return {"1-D, mean": _run(m.FocalLoss(), l1, t1),
            "4-D, none": _run(m.FocalLoss(reduction="none"), l4, t4)}


def _easy_judge(got, ref):
    msg = compare(got, ref, rtol=2e-3, atol=1e-12)
    if msg:
        return (f"{msg}; easy, correctly classified examples must be down-weighted by "
                "(1 - p_t)^gamma, where p_t is the probability of the TRUE label")
    return None


@probe(judge=_easy_judge)
def easy_examples_fade(m):
    "easy examples (logits -5/-7 with target 0, 5/7 with target 1): their tiny 'none' losses, within rtol=2e-3"
    logits = torch.tensor([-5.0, -7.0, 5.0, 7.0])
    target = torch.tensor([0.0, 0.0, 1.0, 1.0])
    with torch.no_grad():
        return {"alpha=0.25": m.FocalLoss(reduction="none")(logits, target),
                "alpha=None, gamma=3": m.FocalLoss(alpha=None, gamma=3.0,
                                                   reduction="none")(logits, target)}


BIG = [-1e4, -100.0, 100.0, 1e4]


def _finite_judge(tol_grad: dict):
    def judge(got, ref):
        for name, obs in got.items():
            for key in ("loss", "grad"):
                t = obs[key]
                if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                        torch.isfinite(t).all()):
                    what = "loss" if key == "loss" else "gradient"
                    return (f"{name}: the {what} is not finite for logits of ±100 / ±1e4; "
                            "compute log p_t from the logits")
        for name in ref:
            msg = (compare(got[name]["loss"], ref[name]["loss"], path=f"{name}: loss", **TOL)
                   or compare(got[name]["grad"], ref[name]["grad"], path=f"{name}: grad",
                              **tol_grad))
            if msg:
                return msg
        return None

    return judge


@probe(judge=_finite_judge(TOL))
def binary_huge_logits(m):
    "logits ±100 and ±1e4 with both targets: finite, correct losses and gradients (gamma 2 and 0, alpha None)"
    logits = torch.tensor(BIG * 2)
    target = torch.tensor([0.0] * 4 + [1.0] * 4)
    return {"defaults, none": _run(m.FocalLoss(reduction="none"), logits, target),
            "gamma=0, alpha=None, mean": _run(m.FocalLoss(alpha=None, gamma=0.0), logits,
                                              target)}


def _gradcheck_judge(got, ref):
    if got["gradcheck"] is not True:
        return "torch.autograd.gradcheck of FocalLoss(reduction='none') failed in float64"
    return compare(got["result"], ref["result"])


@probe(judge=_gradcheck_judge)
def binary_float64(m):
    "float64 logits and targets: float64 loss and gradient; gradcheck passes"
    logits, target = _binary((4, 3), dtype=torch.float64)
    fl = m.FocalLoss(alpha=0.4, gamma=1.5, reduction="none")
    small = logits[1:3].detach().clone().requires_grad_()
    ok = torch.autograd.gradcheck(lambda x: fl(x, target[1:3]), (small,), raise_exception=False)
    return {"gradcheck": bool(ok), "result": _run(fl, logits, target)}


@probe
def bad_reduction(m):
    "reduction='avg' raises ValueError (FocalLoss, built or called; multiclass_focal_loss)"
    logits, target = _binary((4,))
    return {"FocalLoss": raised(lambda: m.FocalLoss(reduction="avg")(logits, target)),
            "multiclass": raised(lambda: m.multiclass_focal_loss(
                torch.randn(3, 4), torch.tensor([0, 1, 2]), reduction="avg"))}


def _multiclass(n: int, c: int) -> tuple[torch.Tensor, torch.Tensor]:
    logits = torch.randn(n, c) * 2.5
    target = torch.randint(0, c, (n,))
    logits[0, target[0]] = 8.0  # one confident right
    logits[1, (target[1] + 1) % c] = 8.0  # one confident wrong
    return logits, target


def _mc(m, **kwargs):
    return lambda x, t: m.multiclass_focal_loss(x, t, **kwargs)


@probe(public=True, **TOL)
def multiclass_gamma0_is_ce(m):
    "multiclass_focal_loss with gamma=0, alpha=None (cross-entropy), each reduction"
    logits, target = _multiclass(10, 5)
    return {r: _run(_mc(m, gamma=0.0, reduction=r), logits, target)
            for r in ("mean", "sum", "none")}


@probe(**TOL)
def multiclass_gammas(m):
    "multiclass_focal_loss with gamma 1, 2 (default) and 3, reduction='none'"
    logits, target = _multiclass(10, 5)
    return {"gamma=1": _run(_mc(m, gamma=1.0, reduction="none"), logits, target),
            "default gamma": _run(_mc(m, reduction="none"), logits, target),
            "gamma=3": _run(_mc(m, gamma=3.0, reduction="none"), logits, target)}


@probe(**TOL)
def multiclass_alpha(m):
    "a (C,) alpha: none, and mean (divided by N, not by the sum of alpha)"
    logits, target = _multiclass(12, 4)
    alpha = torch.tensor([0.1, 0.4, 1.0, 2.5])
    return {"none": _run(_mc(m, alpha=alpha, reduction="none"), logits, target),
            "mean": _run(_mc(m, alpha=alpha), logits, target),
            "gamma=0, mean": _run(_mc(m, gamma=0.0, alpha=alpha), logits, target)}


@probe(judge=_finite_judge({"rtol": 1e-3, "atol": 1e-3}))
def multiclass_huge_logits(m):
    "logits of ±1e4 (confidently right and wrong rows): finite, correct losses; gradients within 1e-3"
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 3.0], [1e4, -1e4, 1e4], [0.0, 1e4, -1e4]])
    target = torch.tensor([0, 0, 2, 2])
    return {"none": _run(_mc(m, reduction="none"), logits, target),
            "gamma=0, mean": _run(_mc(m, gamma=0.0), logits, target)}


@source_probe
def no_torchvision_shortcut(source):
    "the focal loss is written out: no torchvision.ops.sigmoid_focal_loss"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, {"sigmoid_focal_loss"})
    if found:
        return f"uses {found}; write the focal loss yourself"
    return None
