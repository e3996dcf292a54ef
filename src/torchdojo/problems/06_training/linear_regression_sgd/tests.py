"""Probes for linear_regression_sgd: the trained parameters compared with the reference's on
seeded data (y as (N,) and as (N, 1), a short last batch, full batch, batches of one), the fixed
shuffle (seeded generator, a new permutation each epoch), recovery of a noiseless problem, the
returned module, inputs and the global RNG left alone."""

import torch
from torch import nn

from torchdojo.probes import compare, probe


def _data(n: int, f: int, seed: int, noise: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded regression data from a generator of its own: X (n, f), y (n,)."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, f, generator=g)
    w = torch.randn(f, generator=g)
    y = X @ w + 0.5 + noise * torch.randn(n, generator=g)
    return X, y


def _observe(model) -> dict:
    if not isinstance(model, nn.Linear):
        return {"type": type(model).__name__}
    return {"type": "Linear", "in": model.in_features, "out": model.out_features,
            "weight": model.weight.detach().clone(), "bias": model.bias.detach().clone()}


def _params_judge(got, ref):
    if got["type"] != "Linear":
        return f"fit_linear should return the trained nn.Linear, got {got['type']}"
    if (got["in"], got["out"]) != (ref["in"], ref["out"]):
        return (f"returned Linear({got['in']}, {got['out']}), expected "
                f"Linear({ref['in']}, {ref['out']})")
    for k in ("weight", "bias"):
        why = compare(got[k], ref[k], rtol=1e-5, atol=1e-6)
        if why:
            return (f"after training, {k} differs from a correct run (zero start, the fixed "
                    f"permutations, mean squared error, one SGD step per batch): {why}")
    return None


@probe(public=True, judge=_params_judge)
def seeded_run(m):
    "N=37, F=3, y of shape (N,), batch_size=8 (last batch 5), 3 epochs, lr=0.05, seed=11: weight and bias"
    X, y = _data(37, 3, seed=1)
    return _observe(m.fit_linear(X, y, lr=0.05, epochs=3, batch_size=8, seed=11))


@probe(judge=_params_judge)
def target_column(m):
    "the same run with y given as a column (N, 1): the same weight and bias"
    X, y = _data(37, 3, seed=1)
    return _observe(m.fit_linear(X, y.reshape(-1, 1), lr=0.05, epochs=3, batch_size=8, seed=11))


@probe(judge=_params_judge)
def other_seed(m):
    "N=23, F=2, batch_size=5 (last batch 3), 4 epochs, lr=0.1, seed=5: weight and bias"
    X, y = _data(23, 2, seed=2)
    return _observe(m.fit_linear(X, y, lr=0.1, epochs=4, batch_size=5, seed=5))


@probe(judge=_params_judge)
def full_batch(m):
    "batch_size=N (full-batch gradient descent), N=20, F=4, 10 epochs, lr=0.1, seed=3"
    X, y = _data(20, 4, seed=3)
    return _observe(m.fit_linear(X, y, lr=0.1, epochs=10, batch_size=20, seed=3))


@probe(judge=_params_judge)
def batches_of_one(m):
    "batch_size=1, N=9, F=1, 2 epochs, lr=0.05, seed=7: weight and bias"
    X, y = _data(9, 1, seed=4)
    return _observe(m.fit_linear(X, y, lr=0.05, epochs=2, batch_size=1, seed=7))


def _recover_judge(got, ref):
    if got["type"] != "Linear":
        return f"fit_linear should return the trained nn.Linear, got {got['type']}"
    w, b = got["weight"].reshape(-1), got["bias"].reshape(-1)
    true_w = torch.tensor([2.0, -3.0])
    if w.shape != (2,) or not bool(torch.isfinite(w).all()) or not bool(torch.isfinite(b).all()):
        return f"weight {w.tolist()}, bias {b.tolist()}: expected two finite weights and a bias"
    if (w - true_w).abs().max() > 1e-3 or abs(float(b[0]) - 0.5) > 1e-3:
        return (f"a noiseless y = 2*x1 - 3*x2 + 0.5 gave weight {[round(v, 4) for v in w.tolist()]}"
                f" and bias {float(b[0]):.4f}; expected within 1e-3 of (2, -3) and 0.5")
    return None


@probe(judge=_recover_judge)
def recovers_noiseless(m):
    "noiseless y = 2*x1 - 3*x2 + 0.5, N=64, batch_size=16, 60 epochs, lr=0.1: the true weights within 1e-3"
    g = torch.Generator().manual_seed(6)
    X = torch.randn(64, 2, generator=g)
    y = 2 * X[:, 0] - 3 * X[:, 1] + 0.5
    return _observe(m.fit_linear(X, y, lr=0.1, epochs=60, batch_size=16, seed=2))


@probe
def inputs_and_rng_untouched(m):
    "X and y are left unchanged, and the global torch RNG gives the same next draws"
    X, y = _data(15, 2, seed=8)
    X0, y0 = X.clone(), y.clone()
    m.fit_linear(X, y, lr=0.05, epochs=2, batch_size=4, seed=9)
    return {"X_unchanged": torch.equal(X, X0), "y_unchanged": torch.equal(y, y0),
            "next_draws": torch.rand(4)}
