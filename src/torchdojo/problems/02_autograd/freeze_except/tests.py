"""Probes for freeze_except: flags and counts after freezing, and a graph-free predict()."""

from collections import OrderedDict

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _model():
    # names: fc.weight (24), fc.bias (6), head.fc.weight (18), head.fc.bias (3),
    #        head.out.weight (6), head.out.bias (2); 59 elements in all
    return nn.Sequential(OrderedDict(
        fc=nn.Linear(4, 6),
        act=nn.ReLU(),
        head=nn.Sequential(OrderedDict(fc=nn.Linear(6, 3), out=nn.Linear(3, 2))),
    ))


def _dropout_model():
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Dropout(0.5), nn.Linear(8, 3))


def _flags(model):
    return {name: p.requires_grad for name, p in model.named_parameters()}


def _freeze_judge(got, ref):
    if not isinstance(got["count"], int) or isinstance(got["count"], bool):
        return f"freeze_except must return an int, got {type(got['count']).__name__}"
    wrong = [n for n in ref["flags"] if got["flags"].get(n) != ref["flags"][n]]
    if wrong:
        n = wrong[0]
        return (f"{len(wrong)} parameter(s) have the wrong requires_grad; first: {n} should be "
                f"{ref['flags'][n]}, got {got['flags'].get(n)}")
    if got["count"] != ref["count"]:
        return f"expected {ref['count']} trainable elements, got {got['count']}"
    return None


@probe(public=True, judge=_freeze_judge)
def head_only(m):
    "freeze_except(model, ['head.']): requires_grad flags and the returned count"
    model = _model()
    count = m.freeze_except(model, ["head."])
    return {"count": count, "flags": _flags(model)}


@probe(judge=_freeze_judge)
def prefix_means_start(m):
    "prefix 'fc' matches 'fc.weight' but not 'head.fc.weight'"
    model = _model()
    count = m.freeze_except(model, ["fc"])
    return {"count": count, "flags": _flags(model)}


@probe(judge=_freeze_judge)
def unfreezes_matches(m):
    "on a fully frozen model, parameters matching a prefix become trainable again"
    model = _model()
    for p in model.parameters():
        p.requires_grad_(False)
    count = m.freeze_except(model, ["head.out", "fc.bias"])
    return {"count": count, "flags": _flags(model)}


@probe(judge=_freeze_judge)
def no_prefixes(m):
    "an empty prefix list freezes everything and returns 0"
    model = _model()
    count = m.freeze_except(model, [])
    return {"count": count, "flags": _flags(model)}


def _grads_judge(got, ref):
    wrong = [n for n in ref if got.get(n) != ref[n]]
    if not wrong:
        return None
    n = wrong[0]
    what = "no gradient" if ref[n] else "a gradient"
    return f"after backward, {n} should get {what} ({len(wrong)} parameter(s) wrong)"


@probe(judge=_grads_judge)
def frozen_get_no_grad(m):
    "after freeze_except(model, ['head.']) and a backward pass, only head parameters have .grad"
    model = _model()
    m.freeze_except(model, ["head."])
    model(torch.randn(5, 4)).sum().backward()
    return {name: p.grad is not None for name, p in model.named_parameters()}


def _explain(messages):
    """A judge comparing key by key; the first key that differs explains itself."""

    def judge(got, ref):
        for key, text in messages.items():
            msg = compare(got[key], ref[key])
            if msg:
                if isinstance(ref[key], bool):
                    return f"{text} (expected {ref[key]}, got {got[key]})"
                return f"{text} ({msg})"
        return None

    return judge


_PREDICT_MESSAGES = {
    "out": "wrong output: predict must run the model in eval mode",
    "requires_grad": "the output requires grad: a graph was recorded",
    "has_grad_fn": "the output has a grad_fn: a graph was recorded",
    "grad_enabled_after": "torch.is_grad_enabled() right after the call is not what the caller had",
    "training_after": "the model's train/eval mode was not restored",
    "param_flags": "predict changed the parameters' requires_grad flags",
}


def _observe_predict(m, model, x):
    out = m.predict(model, x)
    return {
        "out": out.detach().clone(),
        "requires_grad": out.requires_grad,
        "has_grad_fn": out.grad_fn is not None,
        "grad_enabled_after": torch.is_grad_enabled(),
        "training_after": model.training,
        "param_flags": [p.requires_grad for p in model.parameters()],
    }


@probe(public=True, judge=_explain(_PREDICT_MESSAGES))
def predict_no_graph(m):
    "predict on a model in train mode (with dropout): output, no graph, modes restored"
    model = _dropout_model()
    x = torch.randn(5, 4)
    try:
        return _observe_predict(m, model, x)
    finally:
        torch.set_grad_enabled(True)


@probe(judge=_explain(_PREDICT_MESSAGES))
def predict_inside_no_grad(m):
    "predict called inside torch.no_grad(): grad mode is still off right after the call"
    model = _dropout_model()
    x = torch.randn(5, 4)
    try:
        with torch.no_grad():
            return _observe_predict(m, model, x)
    finally:
        torch.set_grad_enabled(True)


@probe(judge=_explain(_PREDICT_MESSAGES))
def predict_keeps_eval_model(m):
    "predict on a model already in eval mode leaves it in eval mode"
    model = _dropout_model().eval()
    x = torch.randn(5, 4)
    try:
        return _observe_predict(m, model, x)
    finally:
        torch.set_grad_enabled(True)


def _nothing_saved(got, ref):
    if not isinstance(got, int) or isinstance(got, bool):
        return f"could not count the tensors saved for backward (got {type(got).__name__})"
    if got != ref:
        return (f"{got} tensor(s) were saved for a backward pass during predict: a graph was "
                "recorded (detaching the output afterwards is too late)")
    return None


@probe(judge=_nothing_saved)
def predict_records_nothing(m):
    "no autograd graph is recorded while predict runs (nothing is saved for backward)"
    model = _dropout_model()
    x = torch.randn(5, 4)
    packed = []

    def pack(t):
        packed.append(1)
        return t

    try:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            m.predict(model, x)
        return len(packed)
    finally:
        torch.set_grad_enabled(True)
