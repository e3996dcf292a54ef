"""Probes for gradient_accumulation. accumulate_step: a tiny MLP with probe-made weights and stale
gradients, micro-batches drawn from the probe's generator, an SGD optimizer whose step and
zero_grad are counted; the parameters afterwards are compared with the reference's and with a
full-batch step that the reference's run makes on a copy. checkpointed_forward: seeded blocks
with forward hooks that count calls; outputs, gradients, counts and warnings are compared."""

import copy
import warnings

import torch
from torch import nn

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
SPEC = {"0.weight": (6, 5), "0.bias": (6,), "2.weight": (3, 6), "2.bias": (3,)}


def _model(g):
    model = nn.Sequential(nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 3))
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in SPEC.items()},
                          strict=True)
    return model


def _accumulate(m, seed: int, sizes: list[int], classify: bool = False):
    g = torch.Generator().manual_seed(seed)
    model = _model(g)
    twin = copy.deepcopy(model)  # the full-batch step, for the reference's observation
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 10.0  # stale: must not leak in
    xs = [torch.randn(n, 5, generator=g) for n in sizes]
    if classify:
        ys = [torch.randint(0, 3, (n,), generator=g) for n in sizes]
        loss_fn = nn.CrossEntropyLoss()
    else:
        ys = [torch.randn(n, 3, generator=g) for n in sizes]
        loss_fn = nn.MSELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    calls = {"step": 0, "zero_grad": 0}
    step, zero_grad = opt.step, opt.zero_grad

    def counted_step(*a, **k):
        calls["step"] += 1
        return step(*a, **k)

    def counted_zero_grad(*a, **k):
        calls["zero_grad"] += 1
        return zero_grad(*a, **k)

    opt.step, opt.zero_grad = counted_step, counted_zero_grad
    out = m.accumulate_step(model, list(zip(xs, ys, strict=True)), loss_fn, opt)
    # One step on the concatenated batch with the mean loss.
    twin_opt = torch.optim.SGD(twin.parameters(), lr=0.5)
    full_loss = loss_fn(twin(torch.cat(xs)), torch.cat(ys))
    full_loss.backward()
    twin_opt.step()
    return {"type": type(out).__name__, "loss": out if isinstance(out, float) else None,
            "calls": calls, "full_loss": full_loss.item(),
            "params": {n: p.detach().clone() for n, p in model.named_parameters()},
            "full_params": {n: p.detach().clone() for n, p in twin.named_parameters()}}


def _judge_accumulate(got, ref):
    if got["type"] != "float":
        return f"accumulate_step must return a Python float, got {got['type']}"
    if got["calls"] != {"step": 1, "zero_grad": 1}:
        return ("expected exactly one optimizer.step() and one optimizer.zero_grad() per call, "
                f"got {got['calls']}")
    msg = compare(got["loss"], ref["full_loss"], **TOL)
    if msg:
        return f"returned loss is not the mean loss over the whole batch: {msg}"
    for n, r in ref["full_params"].items():
        msg = compare(got["params"][n], r, **TOL)
        if msg:
            return f"parameter {n} differs from one step on the full batch: {msg}"
    return None


@probe(public=True, judge=_judge_accumulate)
def equal_micro_batches(m):
    "three micro-batches of 4 (MSE): the update equals one full-batch step"
    return _accumulate(m, 1, [4, 4, 4])


@probe(judge=_judge_accumulate)
def unequal_micro_batches(m):
    "micro-batches of sizes 3, 7, 2 (MSE): still equal to one full-batch step"
    return _accumulate(m, 2, [3, 7, 2])


@probe(judge=_judge_accumulate)
def unequal_classification(m):
    "micro-batches of sizes 5, 1, 2 with CrossEntropyLoss"
    return _accumulate(m, 3, [5, 1, 2], classify=True)


@probe(judge=_judge_accumulate)
def single_micro_batch(m):
    "one micro-batch of 6: an ordinary training step"
    return _accumulate(m, 4, [6])


def _blocks(g, n: int = 3):
    blocks = nn.ModuleList([nn.Sequential(nn.Linear(4, 4), nn.Tanh()) for _ in range(n)])
    for b in blocks:
        b.load_state_dict({"0.weight": torch.randn(4, 4, generator=g) * 0.8,
                           "0.bias": torch.randn(4, generator=g) * 0.2}, strict=True)
    return blocks


def _checkpoint(m, seed: int, x_requires_grad: bool, n_blocks: int = 3):
    g = torch.Generator().manual_seed(seed)
    blocks = _blocks(g, n_blocks)
    x = torch.randn(5, 4, generator=g).requires_grad_(x_requires_grad)
    counts = [0] * len(blocks)

    def make_hook(i):
        def hook(module, inputs, output):
            counts[i] += 1
        return hook

    # Count on each block's Linear: the layers whose forward checkpointing recomputes.
    handles = [b[0].register_forward_hook(make_hook(i)) for i, b in enumerate(blocks)]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = m.checkpointed_forward(blocks, x)
            after_forward = list(counts)
            (out * torch.linspace(-1, 1, 4)).pow(2).sum().backward()
    finally:
        for h in handles:
            h.remove()
    return {"out": out.detach(), "after_forward": after_forward, "after_backward": list(counts),
            "warnings": [f"{w.category.__name__}: {str(w.message)[:90]}" for w in caught],
            "grads": {n: None if p.grad is None else p.grad.clone()
                      for n, p in blocks.named_parameters()},
            "x_grad": None if x.grad is None else x.grad.clone()}


def _judge_checkpoint(got, ref):
    if got["warnings"]:
        return f"checkpointed_forward emitted a warning: {got['warnings'][0]}"
    msg = compare(got["out"], ref["out"], **TOL)
    if msg:
        return f"output differs from running the blocks in order: {msg}"
    for n, r in ref["grads"].items():
        gg = got["grads"][n]
        if gg is None:
            return f"parameter {n} got no gradient"
        msg = compare(gg, r, **TOL)
        if msg:
            return f"gradient of {n} differs from the plain forward's: {msg}"
    if (got["x_grad"] is None) != (ref["x_grad"] is None):
        return "the input's gradient should be " + ("None" if ref["x_grad"] is None else "set")
    if ref["x_grad"] is not None:
        msg = compare(got["x_grad"], ref["x_grad"], **TOL)
        if msg:
            return f"gradient of the input differs: {msg}"
    if got["after_forward"] != ref["after_forward"]:
        return f"each block's forward should run once in the forward pass, got {got['after_forward']}"
    if got["after_backward"] != ref["after_backward"]:
        return ("after backward each block's forward should have run twice (checkpointing "
                f"recomputes it), got {got['after_backward']}")
    return None


@probe(public=True, judge=_judge_checkpoint)
def checkpoint_grads(m):
    "three blocks, an input without requires_grad: outputs, parameter gradients, recomputation"
    return _checkpoint(m, 5, x_requires_grad=False)


@probe(judge=_judge_checkpoint)
def checkpoint_input_grad(m):
    "an input that requires grad: its gradient equals the plain forward's too"
    return _checkpoint(m, 6, x_requires_grad=True)


@probe(judge=_judge_checkpoint)
def checkpoint_one_block(m):
    "a single block"
    return _checkpoint(m, 7, x_requires_grad=True, n_blocks=1)
