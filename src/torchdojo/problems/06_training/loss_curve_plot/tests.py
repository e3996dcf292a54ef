"""Probes for loss_curve_plot.

train_and_record: the probe builds a small model, loads seeded weights (strict), leaves stale
gradients in .grad, and returns the learner's list together with the parameters afterwards.
plot_losses: the probe calls it on seeded loss lists with a path in a fresh temporary folder and
reads everything back -- the Figure's Axes, Line2D data, labels, scale and legend, the PNG's
signature and pixel size, the folder's listing and pyplot's open figures. matplotlib is imported
inside the probes only (the worker loads this file too), with MPLCONFIGDIR in scratch and the
Agg backend.
"""

import os
import sys
import tempfile

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

TOL = {"rtol": 1e-5, "atol": 1e-7}
PNG_SIGNATURE = "89504e470d0a1a0a"


# ----------------------------------------------------------------------------- train_and_record

def _model(kind: str, seed: int, d_in: int, d_out: int):
    """A probe-made model with seeded weights and stale gradients, and a seeded regression set."""
    g = torch.Generator().manual_seed(seed)
    if kind == "linear":
        model = nn.Linear(d_in, d_out)
    else:
        model = nn.Sequential(nn.Linear(d_in, 8), nn.Tanh(), nn.Linear(8, d_out))
    model.load_state_dict({k: torch.randn(v.shape, generator=g) * 0.5
                           for k, v in model.state_dict().items()}, strict=True)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=g) * 10.0  # stale: must not leak into a step
    x = torch.randn(24, d_in, generator=g)
    w = torch.randn(d_in, d_out, generator=g)
    y = x @ w + 0.1 * torch.randn(24, d_out, generator=g)
    return model, x, y


def _train_obs(m, kind, seed, d_in, d_out, epochs, lr):
    model, x, y = _model(kind, seed, d_in, d_out)
    out = m.train_and_record(model, x, y, epochs, lr)
    is_list = isinstance(out, list)
    return {"type": type(out).__name__,
            "item_types": sorted({type(v).__name__ for v in out}) if is_list else None,
            "losses": [v if type(v) is float else None for v in out] if is_list else None,
            "params": {n: p.detach().clone() for n, p in model.named_parameters()}}


def _train_judge(got, ref):
    if got["type"] != "list":
        return f"train_and_record must return a list, got {got['type']}"
    if got["item_types"] not in ([], ["float"]):
        return f"the losses must be Python floats, got items of type {got['item_types']}"
    g, r = got["losses"], ref["losses"]
    if len(g) != len(r):
        return f"expected one loss per epoch ({len(r)}), got {len(g)}"
    if compare(g, r, **TOL):
        if len(r) > 1 and not compare(g[:-1], r[1:], **TOL):
            return ("the losses are shifted by one epoch: record the loss of each epoch's "
                    "forward pass, at the weights before that epoch's update")
        return f"the recorded losses differ: {compare(g, r, **TOL)}"
    for n, p in ref["params"].items():
        msg = compare(got["params"].get(n), p, **TOL)
        if msg:
            return f"parameter {n} after training differs: {msg}"
    return None


@probe(public=True, judge=_train_judge)
def records_losses_linear(m):
    "nn.Linear(3, 1), 6 epochs, lr=0.05: the returned losses and the trained weights"
    return _train_obs(m, "linear", 1, 3, 1, epochs=6, lr=0.05)


@probe(judge=_train_judge)
def records_losses_mlp(m):
    "a Linear-Tanh-Linear MLP with 2 outputs, 9 epochs, lr=0.1"
    return _train_obs(m, "mlp", 2, 4, 2, epochs=9, lr=0.1)


@probe(judge=_train_judge)
def one_epoch(m):
    "epochs=1: a single loss, and one update"
    return _train_obs(m, "mlp", 3, 5, 1, epochs=1, lr=0.2)


@probe(judge=_train_judge)
def zero_epochs(m):
    "epochs=0: nothing recorded, model unchanged"
    return _train_obs(m, "linear", 4, 2, 2, epochs=0, lr=0.1)


@probe(judge=_train_judge)
def other_learning_rate(m):
    "a different learning rate and a longer run"
    return _train_obs(m, "linear", 5, 4, 1, epochs=15, lr=0.01)


# ----------------------------------------------------------------------------- plot_losses

def _pyplot():
    """matplotlib.pyplot with a scratch config dir and the Agg backend (headless)."""
    if "matplotlib" not in sys.modules:
        os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp()
        os.environ["MPLBACKEND"] = "Agg"
    import matplotlib.pyplot as plt

    return plt


def _curves(seed: int, n: int):
    """Two seeded, falling loss curves spanning about two orders of magnitude."""
    g = torch.Generator().manual_seed(seed)
    t = torch.arange(n, dtype=torch.float32)
    train = 2.0 * torch.exp(-t / 4) + 0.01 * torch.rand(n, generator=g)
    val = 2.5 * torch.exp(-t / 5) + 0.05 + 0.02 * torch.rand(n, generator=g)
    return [float(v) for v in train], [float(v) for v in val]


def _array(data):
    import numpy as np

    try:
        return torch.from_numpy(np.array(data, dtype=np.float64).reshape(-1))
    except (TypeError, ValueError):
        return None


def _plot_obs(m, train, val, name):
    plt = _pyplot()
    from matplotlib import image
    from matplotlib.figure import Figure

    out_dir = tempfile.mkdtemp()
    path = os.path.join(out_dir, name)
    before = set(plt.get_fignums())
    fig = m.plot_losses(train, val, path)
    obs = {"is_figure": isinstance(fig, Figure), "type": type(fig).__name__,
           "left_open": len(set(plt.get_fignums()) - before)}
    if obs["is_figure"]:
        obs["n_axes"] = len(fig.axes)
        if fig.axes:
            ax = fig.axes[0]
            obs["xlabel"], obs["ylabel"] = ax.get_xlabel(), ax.get_ylabel()
            obs["yscale"] = ax.get_yscale()
            obs["lines"] = [{"label": str(line.get_label()), "x": _array(line.get_xdata()),
                             "y": _array(line.get_ydata())} for line in ax.get_lines()]
            legends = [leg for leg in [ax.get_legend(), *fig.legends] if leg is not None]
            obs["legend"] = sorted(t.get_text() for leg in legends for t in leg.get_texts()) \
                if legends else None
    obs["files"] = sorted(os.listdir(out_dir))
    if os.path.isfile(path):
        with open(path, "rb") as f:
            obs["signature"] = f.read(8).hex()
        obs["size"] = os.path.getsize(path)
        try:
            obs["pixels"] = list(image.imread(path).shape[:2])
        except Exception as exc:  # noqa: BLE001 - an unreadable file is the observation
            obs["pixels"] = f"unreadable ({type(exc).__name__})"
    return obs


def _plot_judge(got, ref):
    if not got["is_figure"]:
        return f"plot_losses must return a matplotlib.figure.Figure, got {got['type']}"
    if got["n_axes"] != 1:
        return f"the figure should have exactly one Axes, got {got['n_axes']}"
    labels = sorted(line["label"] for line in got["lines"])
    if labels != ["train", "val"]:
        return f"expected exactly two lines labelled 'train' and 'val', got labels {labels}"
    for r in ref["lines"]:
        g = next(line for line in got["lines"] if line["label"] == r["label"])
        for axis in ("x", "y"):
            if g[axis] is None:
                return f"the '{r['label']}' line's {axis} data are not numbers"
            msg = compare(g[axis], r[axis], rtol=1e-6, atol=0.0)
            if msg:
                return f"the '{r['label']}' line's {axis} data differ: {msg}"
    for key, what in (("xlabel", "x label"), ("ylabel", "y label"), ("yscale", "y scale")):
        if got[key] != ref[key]:
            return f"expected the {what} {ref[key]!r}, got {got[key]!r}"
    if got["legend"] != ref["legend"]:
        return f"expected a legend with the texts {ref['legend']}, got {got['legend']}"
    if "signature" not in got:
        return f"no file was written at path (the folder holds {got['files']})"
    if got["signature"] != PNG_SIGNATURE:
        return f"the file at path is not a PNG (it starts with bytes {got['signature']})"
    if got["size"] <= 0:
        return "the PNG file is empty"
    if got["pixels"] != ref["pixels"]:
        return f"expected a PNG of {ref['pixels']} (height, width) pixels, got {got['pixels']}"
    if got["files"] != ref["files"]:
        return f"the output folder should hold only the PNG, it holds {got['files']}"
    if got["left_open"]:
        return (f"{got['left_open']} figure(s) left open in pyplot after the call "
                "(close it, or build a matplotlib.figure.Figure directly)")
    return None


@probe(public=True, judge=_plot_judge)
def plot_five_epochs(m):
    "5 epochs of train/val losses saved to curve.png: figure, lines, labels, legend, PNG"
    return _plot_obs(m, *_curves(11, 5), "curve.png")


@probe(judge=_plot_judge)
def plot_long_run(m):
    "40 epochs, a different file name"
    return _plot_obs(m, *_curves(12, 40), "losses_run7.png")


@probe(judge=_plot_judge)
def plot_single_epoch(m):
    "a one-epoch run"
    return _plot_obs(m, *_curves(13, 1), "one.png")


@probe(judge=_plot_judge)
def plot_twice(m):
    "two calls in a row (the second figure is checked): nothing accumulates between calls"
    _plot_obs(m, *_curves(14, 7), "first.png")
    return _plot_obs(m, *_curves(15, 12), "second.png")


@probe
def rejects_bad_lengths(m):
    "lists of different lengths, and empty lists"
    path = os.path.join(tempfile.mkdtemp(), "bad.png")
    _pyplot()
    return [raised(lambda: m.plot_losses([1.0, 0.5, 0.25], [1.0, 0.5], path)),
            raised(lambda: m.plot_losses([], [], path))]


def _end_to_end_judge(got, ref):
    return _train_judge(got["train"], ref["train"]) or _plot_judge(got["plot"], ref["plot"])


@probe(judge=_end_to_end_judge)
def end_to_end(m):
    "train_and_record, then plot_losses on the returned losses"
    train = _train_obs(m, "mlp", 6, 3, 1, epochs=8, lr=0.1)
    losses = train["losses"] if train["losses"] and None not in train["losses"] else [1.0] * 8
    val = [2.0 * v for v in losses]
    return {"train": train, "plot": _plot_obs(m, losses, val, "run.png")}
