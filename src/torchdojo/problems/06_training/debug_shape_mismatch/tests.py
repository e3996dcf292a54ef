"""Probes for debug_shape_mismatch: the loss's value, shape and warnings; ConvRegressor for
several image sizes and SequenceRegressor for several batch layouts, each after a strict load of
weights made here from a seeded generator; per-sequence independence; a few SGD steps.

The head's input size for the state_dict is computed here in plain Python from the statement's
formula, so a model whose head does not fit the image size fails the strict load."""

import warnings

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _loss_obs(m, pred, target):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loss = m.regression_loss(pred, target)
    return {"loss": loss, "warnings": [f"{w.category.__name__}: {str(w.message)[:100]}"
                                       for w in caught]}


def _loss_judge(got, ref):
    if got["warnings"]:
        return f"regression_loss emitted a warning: {got['warnings'][0]}"
    msg = compare(got["loss"], ref["loss"], **TOL)
    if msg:
        return f"the loss differs from the mean of (pred_i - target_i)^2 over the N samples: {msg}"
    return None


@probe(public=True, judge=_loss_judge)
def loss_batch(m):
    "pred of shape (6, 1) against a target of shape (6,): a 0-d tensor, no warning"
    g = _gen(1)
    return _loss_obs(m, torch.randn(6, 1, generator=g), torch.randn(6, generator=g))


@probe(judge=_loss_judge)
def loss_single_sample(m):
    "N = 1: pred (1, 1) against target (1,)"
    g = _gen(2)
    return _loss_obs(m, torch.randn(1, 1, generator=g), torch.randn(1, generator=g))


@probe(judge=_loss_judge)
def loss_float64(m):
    "float64 pred (9, 1) against target (9,)"
    g = _gen(3)
    return _loss_obs(m, torch.randn(9, 1, generator=g, dtype=torch.float64),
                     torch.randn(9, generator=g, dtype=torch.float64))


def _flat(h: int, w: int) -> int:
    """16 * h' * w' from the statement's formula (plain Python, nothing to patch)."""
    return 16 * ((h // 2 - 2) // 2) * ((w // 2 - 2) // 2)


def _conv_state(g, c: int, h: int, w: int) -> dict[str, torch.Tensor]:
    return {"features.0.weight": torch.randn(8, c, 3, 3, generator=g) * 0.3,
            "features.0.bias": torch.randn(8, generator=g) * 0.1,
            "features.3.weight": torch.randn(16, 8, 3, 3, generator=g) * 0.2,
            "features.3.bias": torch.randn(16, generator=g) * 0.1,
            "head.weight": torch.randn(1, _flat(h, w), generator=g) * 0.1,
            "head.bias": torch.randn(1, generator=g)}


def _conv_out(m, seed: int, c: int, h: int, w: int, b: int = 2):
    g = _gen(seed)
    model = m.ConvRegressor(c, h, w)
    model.load_state_dict(_conv_state(g, c, h, w), strict=True)
    with torch.no_grad():
        return model(torch.randn(b, c, h, w, generator=g))


@probe(**TOL)
def conv_28x28(m):
    "ConvRegressor(1, 28, 28), seeded weights (strict load), a batch of 2 images"
    return _conv_out(m, 4, 1, 28, 28)


@probe(public=True, **TOL)
def conv_32x32(m):
    "ConvRegressor(3, 32, 32), seeded weights (strict load), a batch of 2 images"
    return _conv_out(m, 5, 3, 32, 32)


@probe(**TOL)
def conv_not_square(m):
    "ConvRegressor(2, 17, 23) and ConvRegressor(1, 8, 40): odd and non-square sizes"
    return [_conv_out(m, 6, 2, 17, 23, b=3), _conv_out(m, 7, 1, 8, 40, b=1)]


GRU_KEYS = ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0")


def _seq_model(m, g, f: int, hid: int):
    model = m.SequenceRegressor(f, hid)
    shapes = {"rnn.weight_ih_l0": (3 * hid, f), "rnn.weight_hh_l0": (3 * hid, hid),
              "rnn.bias_ih_l0": (3 * hid,), "rnn.bias_hh_l0": (3 * hid,),
              "head.weight": (1, hid), "head.bias": (1,)}
    model.load_state_dict({k: torch.randn(s, generator=g) * 0.5 for k, s in shapes.items()},
                          strict=True)
    return model


def _seq_judge(got, ref):
    msg = compare(got["batch"], ref["batch"], **TOL)
    if msg:
        return f"outputs for the (B, T, F) batch differ: {msg}"
    for i, r in enumerate(ref["single"]):
        msg = compare(got["single"][i], r, **TOL)
        if msg:
            return f"output for sequence {i} given alone differs: {msg}"
    return None


def _seq_obs(m, seed: int, b: int, t: int, f: int = 3, hid: int = 5):
    g = _gen(seed)
    model = _seq_model(m, g, f, hid)
    x = torch.randn(b, t, f, generator=g)
    with torch.no_grad():
        return {"batch": model(x), "single": [model(x[i:i + 1]) for i in range(b)]}


@probe(public=True, judge=_seq_judge)
def sequence_batch(m):
    "SequenceRegressor(3, 5), seeded weights, 4 sequences of length 7: batch and one by one"
    return _seq_obs(m, 8, b=4, t=7)


@probe(judge=_seq_judge)
def sequence_square_batch(m):
    "a batch of 5 sequences of length 5 (B == T)"
    return _seq_obs(m, 9, b=5, t=5)


@probe(judge=_seq_judge)
def sequence_long_and_single(m):
    "2 sequences of length 11 with 6 features, hidden size 4"
    return _seq_obs(m, 10, b=2, t=11, f=6, hid=4)


def _independence_judge(got, ref):
    if tuple(got["a"].shape) != tuple(ref["a"].shape):
        return f"expected outputs of shape {tuple(ref['a'].shape)}, got {tuple(got['a'].shape)}"
    msg = compare(got["a"][0], got["b"][0], **TOL)
    if msg:
        return ("the prediction for sequence 0 changed when only the other sequences of the "
                f"batch changed: {msg}")
    msg = compare(got["a"], ref["a"], **TOL)
    return f"outputs for the batch differ: {msg}" if msg else None


@probe(judge=_independence_judge)
def sequence_independent_of_batch(m):
    "sequence 0 kept, sequences 1..3 replaced: its prediction must not change"
    g = _gen(11)
    model = _seq_model(m, g, 3, 5)
    x = torch.randn(4, 6, 3, generator=g)
    y = x.clone()
    y[1:] = torch.randn(3, 6, 3, generator=g)
    with torch.no_grad():
        return {"a": model(x), "b": model(y)}


def _train_judge(got, ref):
    msg = compare(got["losses"], ref["losses"], **TOL)
    if msg:
        return f"the losses of the SGD steps differ: {msg}"
    for k, r in ref["params"].items():
        msg = compare(got["params"].get(k), r, **TOL)
        if msg:
            return f"parameter {k} after 3 SGD steps differs: {msg}"
    return None


@probe(judge=_train_judge)
def sequence_sgd_steps(m):
    "3 SGD steps (lr=0.1) of SequenceRegressor(2, 4) with regression_loss on 6 sequences"
    g = _gen(12)
    model = _seq_model(m, g, 2, 4)
    x, y = torch.randn(6, 5, 2, generator=g), torch.randn(6, generator=g)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = m.regression_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    return {"losses": torch.stack(losses),
            "params": {n: p.detach().clone() for n, p in model.named_parameters()}}
