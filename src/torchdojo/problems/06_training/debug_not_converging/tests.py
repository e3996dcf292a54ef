"""Probes for debug_not_converging. Each probe builds a small "pretrained" model (a Linear-ReLU
backbone `body` and an old 5-class `fc`) and a new head, both with fixed weights, and seeded,
well-separated toy classes; the learner's fit trains it. The observations: the per-batch losses,
whether model.fc is the given head, the head's weights before and after, every parameter after
training, and the training accuracy, compared with the reference's run."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-6}


class _Net(nn.Module):
    def __init__(self, d_in: int, hidden: int, n_old: int = 5) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, hidden), nn.ReLU())
        self.fc = nn.Linear(hidden, n_old)

    def forward(self, x):
        return self.fc(self.body(x))


def _seeded(module: nn.Module, g, scale: float) -> None:
    module.load_state_dict({k: torch.randn(v.shape, generator=g) * scale
                            for k, v in module.state_dict().items()}, strict=True)


def _data(g, n, d, c, spread=3.0, one_feature=False):
    y = torch.arange(n) % c  # balanced classes
    y = y[torch.randperm(n, generator=g)]
    if one_feature:
        # Feature 0 alone decides the class; the others are noise.
        x = torch.randn(n, d, generator=g)
        x[:, 0] = spread * (y.float() - (c - 1) / 2)
    else:
        centres = torch.randn(c, d, generator=g) * spread
        x = centres[y] + 0.5 * torch.randn(n, d, generator=g)
    return x, y


def _run(m, seed, n=48, d=4, hidden=16, c=3, epochs=6, batch_size=8, lr=0.2,
         one_feature=False, stale=False):
    g = torch.Generator().manual_seed(seed)
    model = _Net(d, hidden)
    _seeded(model, g, 0.5)
    head = nn.Linear(hidden, c)
    _seeded(head, g, 0.3)
    x, y = _data(g, n, d, c, one_feature=one_feature)
    if stale:
        for p in list(model.parameters()) + list(head.parameters()):
            p.grad = torch.randn(p.shape, generator=g)  # left from an earlier backward
    head_before = {k: v.detach().clone() for k, v in head.state_dict().items()}
    out = m.fit(model, head, x, y, epochs, batch_size, lr, seed)
    with torch.no_grad():
        acc = (model(x).argmax(dim=1) == y).float().mean().item()
    ok = isinstance(out, list) and all(isinstance(v, float) for v in out)
    return {"type": type(out).__name__, "ok": ok, "losses": list(out) if ok else None,
            "n_batches": epochs * -(-n // batch_size), "head_is_fc": model.fc is head,
            "head_before": head_before,
            "head_after": {k: v.detach().clone() for k, v in head.state_dict().items()},
            "params": {k: v.detach().clone() for k, v in model.state_dict().items()},
            "accuracy": acc}


def _basic(got):
    if not got["ok"]:
        return f"fit must return a list of Python floats, got {got['type']}"
    if len(got["losses"]) != got["n_batches"]:
        return f"expected one loss per batch ({got['n_batches']}), got {len(got['losses'])}"
    if not got["head_is_fc"]:
        return "after fit, model.fc is not the head that was passed in"
    return None


def _judge_converges(got, ref):
    msg = _basic(got)
    if msg:
        return msg
    k = max(1, got["n_batches"] // 6)  # about one epoch's worth of batches
    first = sum(got["losses"][:k]) / k
    last = sum(got["losses"][-k:]) / k
    if not last < 0.25 * first:
        return (f"the loss did not go down enough: {first:.3f} over the first batches, "
                f"{last:.3f} over the last ones (a correct run falls below a quarter)")
    msg = compare(got["losses"], ref["losses"], **TOL)
    return f"the per-batch losses differ from a correct run: {msg}" if msg else None


def _judge_params(got, ref):
    msg = _basic(got)
    if msg:
        return msg
    if not compare(got["head_after"], got["head_before"], rtol=0, atol=0):
        return "the new head's weights did not change during training"
    for part, label in (("head_after", "the head's"), ("params", "the model's")):
        msg = compare(got[part], ref[part], **TOL)
        if msg:
            return f"after training, {label} parameters differ from a correct run: {msg}"
    return None


def _judge_aligned(got, ref):
    msg = _basic(got)
    if msg:
        return msg
    if got["accuracy"] < ref["accuracy"]:
        return (f"training accuracy {got['accuracy']:.3f} where a correct run reaches "
                f"{ref['accuracy']:.3f}: are the labels still paired with their features?")
    msg = compare(got["losses"], ref["losses"], **TOL)
    return f"the per-batch losses differ from a correct run: {msg}" if msg else None


@probe(public=True, judge=_judge_converges)
def loss_goes_down(m):
    "48 samples of 3 well-separated classes, batches of 8, 6 epochs, lr=0.2: the loss falls"
    return _run(m, 1)


@probe(public=True, judge=_judge_params)
def head_is_trained(m):
    "the new 3-class head is model.fc afterwards, its weights change, and all parameters match a correct run"
    return _run(m, 2)


@probe(judge=_judge_aligned)
def labels_stay_aligned(m):
    "feature 0 alone decides the class (4 classes): the trained model classifies the training set"
    return _run(m, 3, n=40, c=4, epochs=8, one_feature=True)


@probe(judge=_judge_params)
def short_last_batch_stale_grads(m):
    "30 samples in batches of 8 (last 6), 4 classes, gradients left in .grad before the call"
    return _run(m, 4, n=30, c=4, epochs=5, batch_size=8, lr=0.1, stale=True)


@probe(judge=_judge_converges)
def two_classes_small_batches(m):
    "2 classes, 24 samples in batches of 4, 4 epochs"
    return _run(m, 5, n=24, d=3, c=2, epochs=4, batch_size=4, lr=0.1)
