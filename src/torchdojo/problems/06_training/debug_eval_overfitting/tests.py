"""Probes for debug_eval_overfitting. The probes build the classifier (Flatten, Linear,
BatchNorm1d, ReLU, Dropout, Linear) with fixed weights and running statistics, seed the dropout
masks, and make seeded 4x4 one-channel images of 3 classes. evaluate is observed through a forward
hook (grad mode, grad_fn of the output, training flag); transform's outputs are compared with the
reference's; EarlyStopping runs on scripted losses with SGD steps in between; fit runs on a small
overfitting problem and its history, final state and the (training, grad) mode of every forward
are compared with the reference's run."""

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _model(g) -> nn.Sequential:
    net = nn.Sequential(nn.Flatten(), nn.Linear(16, 12), nn.BatchNorm1d(12), nn.ReLU(),
                        nn.Dropout(0.3), nn.Linear(12, 3))
    sd = {k: torch.randn(v.shape, generator=g) * 0.5 for k, v in net.state_dict().items()
          if v.dtype.is_floating_point}
    sd["2.running_var"] = 0.5 + torch.rand(12, generator=g)
    sd["2.num_batches_tracked"] = torch.tensor(0)
    net.load_state_dict(sd, strict=True)
    return net


def _problem(seed: int, n_train: int = 12, n_val: int = 30):
    """Model and a small noisy train set / larger val set of 3 prototype images."""
    g = torch.Generator().manual_seed(seed)
    net = _model(g)
    proto = torch.rand(3, 1, 4, 4, generator=g)

    def data(n):
        y = torch.randint(0, 3, (n,), generator=g)
        return (proto[y] + 0.35 * torch.randn(n, 1, 4, 4, generator=g)).clamp(0, 1), y

    tx, ty = data(n_train)
    vx, vy = data(n_val)
    ty[:4] = torch.randint(0, 3, (4,), generator=g)  # some wrong labels: easy to overfit
    return net, tx, ty, vx, vy


def _state(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


class _Spy:
    """Forward hook on the whole model: mode, grad mode and graph of every forward."""

    def __init__(self, model):
        self.calls = []
        self.handle = model.register_forward_hook(self.hook)

    def hook(self, module, inputs, output):
        self.calls.append({"training": module.training, "grad_enabled": torch.is_grad_enabled(),
                           "graph": output.grad_fn is not None})


def _eval_obs(m, seed):
    net, _, _, vx, vy = _problem(seed)
    x = (vx - 0.5) / 0.25  # already transformed
    before = _state(net)
    spy = _Spy(net)
    torch.manual_seed(seed)
    try:
        first = m.evaluate(net, x, vy)
        after_first = _state(net)
        net.train()  # as if a training epoch came in between (without any step)
        second = m.evaluate(net, x, vy)
    finally:
        spy.handle.remove()

    def plain(r):
        ok = isinstance(r, tuple) and len(r) == 2 and all(isinstance(v, float) for v in r)
        return list(r) if ok else None

    return {"types": [type(first).__name__, type(second).__name__],
            "first": plain(first), "second": plain(second), "before": before,
            "after_first": after_first, "after": _state(net), "calls": spy.calls}


def _judge_eval(got, ref):
    if got["first"] is None or got["second"] is None:
        return f"evaluate must return a tuple of two Python floats, got {got['types']}"
    if not got["calls"]:
        return "evaluate never ran the model"
    if any(c["graph"] or c["grad_enabled"] for c in got["calls"]):
        return "evaluate built an autograd graph (a forward ran with gradients enabled)"
    if any(c["training"] for c in got["calls"]):
        return "evaluate ran the model in training mode (dropout on, batch norm on batch statistics)"
    if compare(got["after"], got["before"], rtol=0, atol=0):
        return "evaluate changed the model's parameters or batch-norm running statistics"
    if got["first"] != got["second"]:
        return (f"two evaluations of the same model differ: {got['first']} then "
                f"{got['second']}")
    msg = compare(got["first"], ref["first"], **TOL)
    return f"(loss, accuracy) differs from a correct evaluation: {msg}" if msg else None


@probe(public=True, judge=_judge_eval)
def evaluate_twice(m):
    "a model handed over in training mode, evaluated twice: equal results, untouched statistics, no graph"
    return _eval_obs(m, 1)


@probe(judge=_judge_eval)
def evaluate_other_model(m):
    "another model and validation set: (loss, accuracy) of the model in eval mode"
    return _eval_obs(m, 2)


def _judge_transform(got, ref):
    for key in ("val_1", "val_2", "train"):
        if not isinstance(got[key], torch.Tensor):
            return f"transform must return a tensor, got {got[key]}"
    if compare(got["val_1"], got["val_2"], rtol=0, atol=0):
        return "transform(x, train=False) gives a different result on each call"
    msg = compare(got["val_1"], ref["val_1"], **TOL)
    if msg:
        return f"transform(x, train=False) is not the normalised images: {msg}"
    if compare(got["rng_after"], got["rng_before"], rtol=0, atol=0):
        return "transform(x, train=False) drew from the global random number generator"
    msg = compare(got["train"], ref["train"], **TOL)
    return (f"transform(x, train=True, generator) differs from the stated augmentation: {msg}"
            if msg else None)


@probe(public=True, judge=_judge_transform)
def transform_modes(m):
    "transform(x, False) twice, then transform(x, True, seeded generator), on 6 images"
    g = torch.Generator().manual_seed(3)
    x = torch.rand(6, 1, 4, 4, generator=g)
    rng_before = torch.get_rng_state()
    val_1 = m.transform(x, False)
    val_2 = m.transform(x, False)
    rng_after = torch.get_rng_state()
    train = m.transform(x, True, torch.Generator().manual_seed(11))
    return {"val_1": val_1, "val_2": val_2, "train": train,
            "rng_before": rng_before, "rng_after": rng_after}


def _judge_restore(got, ref):
    if got["stops"] != ref["stops"]:
        return f"step() returned {got['stops']}, expected {ref['stops']}"
    msg = compare(got["state"], ref["state"], **TOL)
    return f"after restore(), the model's state is not the best epoch's: {msg}" if msg else None


@probe(judge=_judge_restore)
def early_stopping_restores_best(m):
    "scripted losses [1.0, 0.7, 0.9, 0.8, 0.95], patience 3, SGD steps in between: restore gives the best epoch's state"
    net, tx, ty, _, _ = _problem(4)
    opt = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
    stopper = m.EarlyStopping(3)
    stops = []
    torch.manual_seed(4)
    for loss in [1.0, 0.7, 0.9, 0.8, 0.95]:
        opt.zero_grad()
        F.cross_entropy(net(tx), ty).backward()
        opt.step()
        stops.append(stopper.step(loss, net))
        if stops[-1]:
            break
    stopper.restore(net)
    return {"stops": stops, "state": _state(net)}


def _fit_obs(m, seed, patience):
    net, tx, ty, vx, vy = _problem(seed)
    spy = _Spy(net)
    torch.manual_seed(seed)  # the dropout masks
    try:
        history = m.fit(net, tx, ty, vx, vy, 40, patience, 0.3, seed)
    finally:
        spy.handle.remove()
    ok = isinstance(history, list) and all(isinstance(v, float) for v in history)
    return {"type": type(history).__name__, "history": history if ok else None,
            "state": _state(net),
            "modes": [("train" if c["training"] else "eval") + ("+grad" if c["grad_enabled"]
                      else "") for c in spy.calls]}


def _judge_fit(got, ref):
    if got["history"] is None:
        return f"fit must return a list of Python floats, got {got['type']}"
    for i, (a, b) in enumerate(zip(got["modes"], ref["modes"], strict=False)):
        if a != b:
            return (f"forward {i} of the run was in mode {a!r}, expected {b!r} (train+grad for "
                    "a training step, eval without grad for validation)")
    msg = compare(got["history"], ref["history"], **TOL)
    if msg:
        return f"the validation-loss history differs from a correct run: {msg}"
    msg = compare(got["state"], ref["state"], **TOL)
    return (f"after fit, the model's state is not the best epoch's of a correct run: {msg}"
            if msg else None)


@probe(judge=_judge_fit)
def fit_stops_early(m):
    "fit on 12 noisy training images, 30 validation images, patience 3: history, final state, modes"
    return _fit_obs(m, 6, patience=3)


@probe(judge=_judge_fit)
def fit_longer_run(m):
    "another seed, a longer run before the validation loss turns up, patience 3"
    return _fit_obs(m, 5, patience=3)
