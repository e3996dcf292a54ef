"""Probes for debug_memory_growth. A tiny MLP with probe-made weights and stale gradients is
trained for one epoch by the learner's train_epoch over a seeded DataLoader; the probe's loss
function tags each loss it returns with an object held by the loss's autograd node (a custom
autograd Function keeps it on its ctx), so a weak reference tells whether that batch's graph is
still alive. The parameters after the epoch are compared with a twin model that the same probe
steps once per group on the concatenated batches (the reference's observation carries the twin's
parameters)."""

import copy
import gc
import weakref

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
SPEC = {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (3, 8), "2.bias": (3,)}


class _Token:
    """Lives exactly as long as the autograd node that holds it."""


class _Tag(torch.autograd.Function):
    @staticmethod
    def forward(ctx, loss, token):
        ctx.token = token  # an attribute, not a saved tensor: backward() does not free it
        return loss.view_as(loss)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class _TaggedLoss:
    """loss_fn for the learner: the real loss, tagged; counts the graphs still alive."""

    def __init__(self, base):
        self.base = base
        self.refs = []
        self.alive_at_call = []  # graphs of earlier batches alive when each batch starts

    def alive(self) -> int:
        return sum(r() is not None for r in self.refs)

    def __call__(self, out, y):
        gc.collect()  # count only what is really reachable
        self.alive_at_call.append(self.alive())
        token = _Token()
        self.refs.append(weakref.ref(token))
        return _Tag.apply(self.base(out, y), token)


def _model(g):
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in SPEC.items()},
                          strict=True)
    return model


def _epoch(m, seed, n_batches, batch_size, accum, classify=False, momentum=0.0):
    g = torch.Generator().manual_seed(seed)
    model = _model(g)
    twin = copy.deepcopy(model)  # stepped once per group on the concatenated batches
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 10.0  # stale: must not leak in
    n = n_batches * batch_size
    x = torch.randn(n, 4, generator=g)
    if classify:
        y = torch.randint(0, 3, (n,), generator=g)
        base = nn.CrossEntropyLoss()
    else:
        y = torch.randn(n, 3, generator=g)
        base = nn.MSELoss()
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=momentum)
    steps = [0]
    step = opt.step

    def counted_step(*a, **k):
        steps[0] += 1
        return step(*a, **k)

    opt.step = counted_step
    loss_fn = _TaggedLoss(base)
    out = m.train_epoch(model, loader, loss_fn, opt, accum)
    gc.collect()
    alive_after = loss_fn.alive()  # `out` is still held here
    # The twin: one ordinary step per group of accum batches, on their concatenation.
    twin_opt = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=momentum)
    group = accum * batch_size
    for s in range(0, n, group):
        twin_opt.zero_grad()
        base(twin(x[s:s + group]), y[s:s + group]).backward()
        twin_opt.step()
    return {"type": type(out).__name__,
            "has_grad_fn": getattr(out, "grad_fn", None) is not None,
            "loss": out if isinstance(out, float) else None,
            "calls": len(loss_fn.refs), "steps": steps[0],
            "max_alive": max(loss_fn.alive_at_call, default=0), "alive_after": alive_after,
            "params": {k: p.detach().clone() for k, p in model.named_parameters()},
            "twin_params": {k: p.detach().clone() for k, p in twin.named_parameters()}}


def _judge_memory(got, ref, check_loss=True):
    if got["has_grad_fn"]:
        return (f"train_epoch returned a {got['type']} that still has a grad_fn: the whole "
                "epoch's graph is attached to it; return a Python float")
    if got["type"] != "float":
        return f"train_epoch must return a Python float, got {got['type']}"
    if got["calls"] != ref["calls"]:
        return f"loss_fn should be called once per batch ({ref['calls']}), got {got['calls']}"
    if got["max_alive"] > 2:
        return (f"while the epoch ran, the graphs of {got['max_alive']} earlier batches were "
                "still alive at once (expected at most 2): something keeps the loss tensors")
    if got["alive_after"]:
        return (f"after train_epoch returned, {got['alive_after']} batch graph(s) were still "
                "alive: a loss tensor is kept somewhere")
    if check_loss:
        msg = compare(got["loss"], ref["loss"], **TOL)
        if msg:
            return ("the returned value differs from the mean per-batch loss of a correct "
                    f"epoch: {msg}")
    return None


def _judge_update(got, ref):
    msg = _judge_memory(got, ref, check_loss=False)
    if msg:
        return msg
    if got["steps"] != ref["steps"]:
        return (f"expected {ref['steps']} optimizer.step() call(s), one per group of "
                f"accum_steps batches, got {got['steps']}")
    for k, r in ref["twin_params"].items():
        msg = compare(got["params"][k], r, **TOL)
        if msg:
            return (f"after the epoch, parameter {k} differs from stepping once per group on "
                    f"the concatenated batches: {msg}")
    msg = compare(got["loss"], ref["loss"], **TOL)
    if msg:
        return ("the returned value is not the mean of the per-batch losses (as loss_fn "
                f"returned them): {msg}")
    return None


@probe(public=True, judge=_judge_memory)
def graphs_are_freed(m):
    "8 batches of 3, accum_steps=4 (MSE): a float comes back and no batch's graph stays alive"
    return _epoch(m, 1, n_batches=8, batch_size=3, accum=4)


@probe(public=True, judge=_judge_update)
def four_micro_batches(m):
    "8 batches of 3, accum_steps=4, SGD(lr=0.1): the epoch equals 2 steps on batches of 12"
    return _epoch(m, 2, n_batches=8, batch_size=3, accum=4)


@probe(judge=_judge_update)
def momentum_classification(m):
    "6 batches of 4, accum_steps=2, cross-entropy, SGD with momentum 0.9"
    return _epoch(m, 3, n_batches=6, batch_size=4, accum=2, classify=True, momentum=0.9)


@probe(judge=_judge_update)
def three_groups_of_three(m):
    "9 batches of 2, accum_steps=3 (MSE)"
    return _epoch(m, 4, n_batches=9, batch_size=2, accum=3)


@probe(judge=_judge_update)
def no_accumulation(m):
    "accum_steps=1: an ordinary epoch, one step per batch"
    return _epoch(m, 5, n_batches=5, batch_size=4, accum=1, classify=True)


@probe(judge=_judge_update)
def one_group(m):
    "4 batches of 5 and accum_steps=4: a single step for the whole epoch"
    return _epoch(m, 6, n_batches=4, batch_size=5, accum=4)
