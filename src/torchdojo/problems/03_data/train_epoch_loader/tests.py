"""Probes for train_epoch_loader: parameters and returned loss after one epoch (compared with the
reference's, from identical seeded models), the sample weighting of the loss, training mode, and
the regression loader: shapes, noise level, reproducibility, and that training on it recovers
the coefficients (2, -1)."""

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from torchdojo.probes import compare, probe


def _fixed_loader(n: int, batch_size: int, drop_last: bool = False) -> DataLoader:
    """Seeded (x, y) pairs with y of shape (n, 1), in a fixed order (no shuffling)."""
    x = torch.randn(n, 2)  # (n, 2)
    y = x @ torch.tensor([[1.5], [-0.5]]) + 0.3 * torch.randn(n, 1)  # (n, 1)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, drop_last=drop_last)


def _params(model: nn.Module) -> dict:
    return {name: p.detach().clone() for name, p in model.named_parameters()}


def _epoch_judge(got, ref):
    if not got["is_float"]:
        return f"train_epoch should return a Python float, got {got['type']}"
    why = compare(got["params"], ref["params"], rtol=1e-5, atol=1e-6)
    if why:
        return ("after one epoch the parameters differ from those of a correct epoch "
                f"(same model, same data, same optimizer): {why}")
    if compare(got["loss"], ref["loss"], rtol=1e-5, atol=1e-7):
        return (f"returned loss {got['loss']:.6f}, expected {ref['loss']:.6f}: the mean of the "
                "per-sample losses over the samples seen in the epoch")
    return None


@probe(public=True, judge=_epoch_judge)
def one_epoch_linear_sgd(m):
    "Linear(2, 1), MSELoss, SGD(lr=0.1), 30 samples in batches of 8 (the last has 6): parameters and returned loss"
    model = nn.Linear(2, 1)  # same seeded weights as the reference's
    loader = _fixed_loader(30, 8)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = m.train_epoch(model, loader, nn.MSELoss(), opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "loss": float(loss), "params": _params(model)}


@probe(judge=_epoch_judge)
def one_epoch_drop_last(m):
    "the same epoch with drop_last=True: the mean covers only the 24 samples actually seen"
    model = nn.Linear(2, 1)
    loader = _fixed_loader(30, 8, drop_last=True)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = m.train_epoch(model, loader, nn.MSELoss(), opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "loss": float(loss), "params": _params(model)}


@probe(judge=_epoch_judge)
def one_epoch_stale_gradients(m):
    "a model that arrives with gradients left over from an earlier backward: parameters and loss"
    model = nn.Linear(2, 1)
    (model(torch.randn(4, 2)) ** 2).sum().backward()  # leftover .grad from before the epoch
    loader = _fixed_loader(30, 8)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = m.train_epoch(model, loader, nn.MSELoss(), opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "loss": float(loss), "params": _params(model)}


def _mlp_judge(got, ref):
    if not got["training"]:
        return ("the model was handed over in eval mode and was still in eval mode after "
                "train_epoch: training must switch it to training mode (dropout on)")
    return _epoch_judge(got, ref)


@probe(judge=_mlp_judge)
def one_epoch_mlp_dropout_momentum(m):
    "an MLP with dropout, handed over in eval mode, L1Loss, SGD with momentum: parameters and loss"
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 1))
    model.eval()  # as if a validation pass had just run
    loader = _fixed_loader(27, 5)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss = m.train_epoch(model, loader, nn.L1Loss(), opt)
    return {"is_float": isinstance(loss, float), "type": type(loss).__name__,
            "loss": float(loss), "params": _params(model), "training": model.training}


def _data_judge(got, ref):
    if got["n"] != ref["n"]:
        return f"one epoch gave {got['n']} samples, expected {ref['n']}"
    if got["shapes"] != ref["shapes"]:
        return (f"batch shapes (x, y) were {got['shapes'][:2]}..., expected "
                f"{ref['shapes'][:2]}... (y must have shape (B, 1), like the model's output)")
    if got["dtypes"] != ref["dtypes"]:
        return f"dtypes (x, y) were {got['dtypes']}, expected {ref['dtypes']}"
    if not got["distinct_x"]:
        return "some x rows repeat within one epoch: each sample must come exactly once"
    if abs(got["x_std"] - 1) > 0.15 or abs(got["x_mean"]) > 0.15:
        return (f"x has mean {got['x_mean']:.3f} and std {got['x_std']:.3f}; "
                "expected standard normal features")
    if abs(got["resid_mean"]) > 0.03 or not 0.07 < got["resid_std"] < 0.13:
        return (f"y - (2*x1 - x2) has mean {got['resid_mean']:.3f} and std "
                f"{got['resid_std']:.3f}; expected noise with mean 0 and std 0.1")
    return None


@probe(public=True, judge=_data_judge)
def regression_data(m):
    "make_regression_loader(200, 32, seed=0): batch shapes and dtypes, x ~ N(0, 1), y = 2*x1 - x2 + noise of std 0.1"
    loader = m.make_regression_loader(200, 32, seed=0)
    xs, ys = zip(*list(loader), strict=True)
    x, y = torch.cat(xs), torch.cat(ys).reshape(-1, 1)
    resid = y[:, 0] - (2 * x[:, 0] - x[:, 1])
    return {"n": int(x.shape[0]),
            "shapes": [(tuple(a.shape), tuple(b.shape)) for a, b in zip(xs, ys, strict=True)],
            "dtypes": (str(xs[0].dtype), str(ys[0].dtype)),
            "distinct_x": len({tuple(r) for r in x.tolist()}) == x.shape[0],
            "x_mean": float(x.mean()), "x_std": float(x.std()),
            "resid_mean": float(resid.mean()), "resid_std": float(resid.std())}


def _first_x(loader) -> torch.Tensor:
    return torch.cat([x for x, _ in loader])


def _repro_judge(got, ref):
    a, b, c = got["seed1"], got["seed1_again"], got["seed2"]
    if not torch.equal(a, b):
        return ("two loaders made with seed=1 gave different first epochs: data and order must "
                "depend on the seed only (use generators of your own, not the global RNG)")
    if torch.equal(a.sort(dim=0).values, c.sort(dim=0).values):
        return "seeds 1 and 2 gave the same samples: the seed must decide the data"
    if torch.equal(got["epoch1"], got["epoch2"]):
        return "two epochs of the same loader came in the same order: the loader must shuffle"
    if not torch.equal(got["epoch1"].sort(dim=0).values, got["epoch2"].sort(dim=0).values):
        return "the second epoch holds different samples from the first: the data must be fixed"
    return None


@probe(judge=_repro_judge)
def regression_reproducible(m):
    "same seed -> same data and order; another seed -> other data; each epoch is reshuffled"
    loaders = [m.make_regression_loader(50, 8, seed=s) for s in (1, 1, 2)]
    seed1, seed1_again, seed2 = (_first_x(dl) for dl in loaders)
    dl = m.make_regression_loader(50, 8, seed=3)
    return {"seed1": seed1, "seed1_again": seed1_again, "seed2": seed2,
            "epoch1": _first_x(dl), "epoch2": _first_x(dl)}


@probe
def global_rng_untouched(m):
    "the global torch RNG's next draws after building make_regression_loader(40, 8, seed=5) and one epoch of it"
    dl = m.make_regression_loader(40, 8, seed=5)
    for _ in dl:
        pass
    return torch.rand(4)


def _fit_judge(got, ref):
    w, b, loss = got["weight"], got["bias"], got["last_loss"]
    if abs(w[0] - 2) > 0.05 or abs(w[1] + 1) > 0.05 or abs(b) > 0.05:
        return (f"after 20 epochs the model learned y = {w[0]:.3f}*x1 + {w[1]:.3f}*x2 + {b:.3f}, "
                "expected close to 2*x1 - 1*x2 + 0 (within 0.05); the reference gets "
                f"{ref['weight'][0]:.3f}, {ref['weight'][1]:.3f}, {ref['bias']:.3f}")
    if not 0.004 < loss < 0.02:
        return (f"the last epoch's loss is {loss:.4f}; with noise of std 0.1 the MSE of a good "
                f"fit is about 0.01 (reference: {ref['last_loss']:.4f})")
    return None


@probe(judge=_fit_judge)
def recovers_coefficients(m):
    "20 epochs of train_epoch on make_regression_loader(256, 32, seed=0) with Linear(2, 1) and SGD(lr=0.1) recover y = 2*x1 - x2"
    model = nn.Linear(2, 1)
    loader = m.make_regression_loader(256, 32, seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(20):
        last = m.train_epoch(model, loader, nn.MSELoss(), opt)
    return {"weight": model.weight.detach()[0].tolist(), "bias": float(model.bias.detach()[0]),
            "last_loss": float(last)}
