"""Probes for cross_entropy_from_logits: the loss and logits.grad against the reference for
each argument non-default, all together on (N, C) and (N, C, H, W), output shapes, huge
logits, all targets ignored (nan), dtype, a bad reduction, and no built-in shortcut."""

import torch

from torchdojo.probes import compare, parse_source, probe, raised, shortcut, source_probe

TOL = {"rtol": 1e-5, "atol": 1e-5}


def _inputs(shape: tuple[int, ...], ignore: float = 0.25, ignore_value: int = -100,
            dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded logits of ``shape`` and class-index targets, a share of them ``ignore_value``."""
    n, c = shape[0], shape[1]
    logits = torch.randn(shape, dtype=dtype) * 2.5
    target = torch.randint(0, c, (n, *shape[2:]))
    if ignore:
        drop = torch.rand(target.shape) < ignore
        drop.view(-1)[1] = True  # at least one ignored position
        target = target.masked_fill(drop, ignore_value)
    return logits, target


def _weight(c: int) -> torch.Tensor:
    return torch.linspace(0.3, 2.5, c)


def _run(m, logits: torch.Tensor, target: torch.Tensor, **kwargs) -> dict:
    """The loss and logits.grad after loss.backward(g) with a seeded upstream g."""
    x = logits.detach().clone().requires_grad_()
    loss = m.cross_entropy(x, target, **kwargs)
    g = torch.linspace(0.5, 1.5, loss.numel(), dtype=loss.dtype).reshape(loss.shape)
    loss.backward(g)
    return {"loss": loss, "grad": x.grad}


@probe(public=True, **TOL)
def plain_mean(m):
    "(8, 5) logits, no ignored targets, every option at its default: loss and gradient"
    logits, target = _inputs((8, 5), ignore=0)
    return _run(m, logits, target)


@probe(**TOL)
def default_ignore_index(m):
    "(12, 4) logits, some targets -100 (the default ignore_index): mean over the kept targets"
    logits, target = _inputs((12, 4))
    return _run(m, logits, target)


@probe(**TOL)
def ignore_index_a_class(m):
    "ignore_index=2, a real class: targets equal to 2 are left out"
    logits, target = _inputs((12, 4), ignore_value=2)
    return _run(m, logits, target, ignore_index=2)


@probe(**TOL)
def with_weight(m):
    "weight=(C,) and some ignored targets: the mean divides by the kept targets' total weight"
    logits, target = _inputs((12, 5))
    return _run(m, logits, target, weight=_weight(5))


@probe(**TOL)
def reductions(m):
    "reduction='sum' and 'none' (with ignored targets: 0 there), and 'mean' with a batch of 1"
    logits, target = _inputs((9, 4))
    one, one_t = _inputs((1, 4), ignore=0)
    return {"sum": _run(m, logits, target, reduction="sum"),
            "none": _run(m, logits, target, reduction="none"),
            "batch of 1": _run(m, one, one_t)}


@probe(**TOL)
def with_label_smoothing(m):
    "label_smoothing=0.1 and 0.3, with ignored targets"
    logits, target = _inputs((10, 6))
    return {"0.1": _run(m, logits, target, label_smoothing=0.1),
            "0.3": _run(m, logits, target, label_smoothing=0.3)}


@probe(**TOL)
def everything_together(m):
    "weight, ignore_index=1, label_smoothing=0.2 on (10, 5) logits, each reduction"
    logits, target = _inputs((10, 5), ignore_value=1)
    kw = {"weight": _weight(5), "ignore_index": 1, "label_smoothing": 0.2}
    return {r: _run(m, logits, target, reduction=r, **kw) for r in ("mean", "sum", "none")}


@probe(public=True, **TOL)
def spatial_nchw(m):
    "(2, 3, 4, 5) logits with (2, 4, 5) targets (class axis 1): mean, none (shape (2, 4, 5)), and with weight + smoothing"
    logits, target = _inputs((2, 3, 4, 5))
    return {"mean": _run(m, logits, target),
            "none": _run(m, logits, target, reduction="none"),
            "weight + smoothing": _run(m, logits, target, weight=_weight(3),
                                       label_smoothing=0.15)}


@probe(**TOL)
def spatial_extra_dim(m):
    "(3, 4, 6) logits with (3, 6) targets: one extra dimension, sum and none"
    logits, target = _inputs((3, 4, 6))
    return {"sum": _run(m, logits, target, reduction="sum"),
            "none": _run(m, logits, target, reduction="none")}


def _finite_judge(got, ref):
    for name, obs in got.items():
        for key in ("loss", "grad"):
            t = obs[key]
            if isinstance(t, torch.Tensor) and t.is_floating_point() and not bool(
                    torch.isfinite(t).all()):
                what = "loss" if key == "loss" else "gradient"
                return (f"{name}: the {what} is not finite for logits of ±1e4; compute log p "
                        "with the log-sum-exp trick")
    for name in ref:
        # float32 holds 1e4 only to about 1e-3: the gradients (probabilities) are compared at
        # that resolution, the losses at the usual tolerance
        msg = (compare(got[name]["loss"], ref[name]["loss"], path=f"{name}: loss", **TOL)
               or compare(got[name]["grad"], ref[name]["grad"], path=f"{name}: grad",
                          rtol=1e-3, atol=1e-3))
        if msg:
            return msg
    return None


@probe(judge=_finite_judge)
def huge_logits(m):
    "logits of ±1e4 (targets on the low and high classes): loss and gradient finite and correct, also with label smoothing"
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [3.0, -1e4, 1e4], [1e4, 1e4, -1e4]])
    target = torch.tensor([1, 1, 0, 2])
    return {"mean": _run(m, logits, target),
            "none": _run(m, logits, target, reduction="none"),
            "smoothing": _run(m, logits, target, label_smoothing=0.1),
            "weight + smoothing": _run(m, logits, target, weight=_weight(3),
                                       label_smoothing=0.1)}


@probe
def all_ignored(m):
    "every target ignored: 'mean' is nan (0/0, as in torch), 'sum' is 0, 'none' all zeros"
    logits, _ = _inputs((4, 3), ignore=0)
    target = torch.full((4,), -100)
    with torch.no_grad():
        return {"mean": m.cross_entropy(logits, target),
                "mean, smoothing": m.cross_entropy(logits, target, label_smoothing=0.1),
                "sum": m.cross_entropy(logits, target, reduction="sum"),
                "none": m.cross_entropy(logits, target, reduction="none")}


@probe
def float64_kept(m):
    "float64 logits: the loss is float64 (weight float64 too) and matches to float64 precision"
    logits, target = _inputs((6, 4), dtype=torch.float64)
    return {"mean": _run(m, logits, target),
            "weighted": _run(m, logits, target, weight=_weight(4).double(),
                             label_smoothing=0.05)}


@probe
def bad_reduction(m):
    "reduction='avg' raises ValueError"
    logits, target = _inputs((3, 4), ignore=0)
    return raised(lambda: m.cross_entropy(logits, target, reduction="avg"))


_BANNED = {"cross_entropy", "nll_loss", "log_softmax", "_log_softmax", "CrossEntropyLoss",
           "NLLLoss", "NLLLoss2d", "LogSoftmax", "cross_entropy_loss", "nll_loss_nd",
           "nll_loss2d"}


@source_probe
def written_by_hand(source):
    "no F.cross_entropy, F.nll_loss, log_softmax, nn.CrossEntropyLoss or nn.NLLLoss"
    tree, why = parse_source(source)
    if tree is None:
        return why
    found = shortcut(tree, _BANNED)
    if found:
        return f"uses {found}; compute log p with torch.logsumexp and write the loss yourself"
    return None
