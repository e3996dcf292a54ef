"""Probes for forecast_windows. The data pipeline, exactly: windows (values, shapes, horizon,
several features, one window, dtype, bad arguments), the chronological split, the scaler, and
prepare_data compared with the reference's (training statistics only, windows per part). The
Forecaster with weights made here and loaded strictly: outputs, gradients, one SGD step, batch 1
and T = 1. Training: a seeded noisy sine, the first losses equal the reference's, and the test
MSE well below the naive last-value forecast."""

import math

import torch

from torchdojo.probes import compare, probe, raised


def _gen(seed: int) -> torch.Generator:
    """The probe's own generator: the learner's code drawing from the global one changes nothing."""
    return torch.Generator().manual_seed(seed)


def _tensor_issue(got, ref, name: str, rtol: float = 0.0, atol: float = 0.0) -> str | None:
    """Type, shape, dtype, then values of one tensor; None if it matches the reference's."""
    if not isinstance(got, torch.Tensor):
        return f"{name}: expected a tensor, got {type(got).__name__}"
    if tuple(got.shape) != tuple(ref.shape):
        return f"{name} has shape {tuple(got.shape)}, expected {tuple(ref.shape)}"
    if got.dtype != ref.dtype:
        return f"{name} has dtype {got.dtype}, expected {ref.dtype}"
    why = compare(got, ref, rtol=rtol, atol=atol)
    return f"{name} has the wrong values: {why}" if why else None


# ----------------------------------------------------------------------------- make_windows

def _windows_judge(got, ref):
    if got["type"] != "tuple" or got.get("len") != 2:
        return f"make_windows must return a tuple (X, y), got {got['type']}"
    where = f"N={ref['n']}, window={ref['window']}, horizon={ref['horizon']}"
    x, y, rx, ry = got["X"], got["y"], ref["X"], ref["y"]
    if isinstance(x, torch.Tensor) and x.dim() == 3 and x.shape[0] != rx.shape[0]:
        return (f"{where}: {x.shape[0]} windows, expected M = N - window - horizon + 1 = "
                f"{rx.shape[0]} (one per start position, stride 1)")
    if isinstance(y, torch.Tensor) and tuple(y.shape) != tuple(ry.shape):
        return f"{where}: y has shape {tuple(y.shape)}, expected (M, horizon, F) = {tuple(ry.shape)}"
    why = _tensor_issue(x, rx, f"{where}: X")
    if why:
        return why
    if (isinstance(y, torch.Tensor) and y.shape == ry.shape and ry.shape[1] >= 1
            and torch.equal(y[:, 0], rx[:, -1])):
        return (f"{where}: the first target of each window equals its last input; the target "
                "is the value after the window")
    return _tensor_issue(y, ry, f"{where}: y")


def _windows(m, series: torch.Tensor, window: int, horizon: int) -> dict:
    out = m.make_windows(series, window, horizon)
    obs = {"type": type(out).__name__, "n": series.shape[0], "window": window,
           "horizon": horizon}
    if isinstance(out, tuple):
        obs["len"] = len(out)
        if len(out) == 2:
            obs["X"], obs["y"] = out
    return obs


@probe(public=True, judge=_windows_judge)
def windows_one_step(m):
    "make_windows(torch.arange(8.), window=3, horizon=1): X (5, 3, 1) and y (5, 1, 1), exactly"
    return _windows(m, torch.arange(8.0), 3, 1)


@probe(judge=_windows_judge)
def windows_horizon_three(m):
    "a 1-D series of 12 values, window=4, horizon=3: every window and its three targets"
    return _windows(m, torch.arange(12.0) * 1.5 - 4, 4, 3)


@probe(judge=_windows_judge)
def windows_two_features(m):
    "a (9, 2) series, window=3, horizon=2: X (5, 3, 2), y (5, 2, 2), features kept apart"
    return _windows(m, torch.arange(18.0).view(9, 2) ** 1.5, 3, 2)


@probe(judge=_windows_judge)
def windows_single_float64(m):
    "N = window + horizon (exactly one window), float64 values: the dtype is kept"
    return _windows(m, torch.randn(7, generator=_gen(1), dtype=torch.float64), 5, 2)


@probe
def windows_bad_arguments(m):
    "ValueError for a series shorter than window + horizon, window=0 and horizon=0"
    s = torch.arange(6.0)
    return {"too_short": raised(lambda: m.make_windows(s, 5, 2)),
            "window_0": raised(lambda: m.make_windows(s, 0, 1)),
            "horizon_0": raised(lambda: m.make_windows(s, 3, 0))}


# ------------------------------------------------------------------------------------ split

def _split_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        if isinstance(r, str) or r is None:  # an exception name
            if g != r:
                return f"{case}: expected {r or 'no exception'}, got {g or 'no exception'}"
            continue
        if not isinstance(g, tuple) or len(g) != 2:
            return f"{case}: expected a tuple (train, test), got {type(g).__name__}"
        for name, a, b in (("train", g[0], r[0]), ("test", g[1], r[1])):
            why = _tensor_issue(a, b, f"{case}: {name}")
            if why:
                if isinstance(a, torch.Tensor) and a.shape == b.shape and torch.equal(
                        a.sort(dim=0).values, b.sort(dim=0).values):
                    return (f"{case}: the {name} part holds the right values in the wrong "
                            "order; the split keeps the order of time")
                if isinstance(a, torch.Tensor) and a.dim() >= 1 and a.shape[0] != b.shape[0]:
                    return (f"{case}: the {name} part has {a.shape[0]} steps, expected "
                            f"{b.shape[0]} (n_test = int(N * test_fraction), at the end)")
                return why
    return None


def _split(m, series, fraction):
    out = m.train_test_split_series(series, fraction)
    return tuple(out) if isinstance(out, tuple) else out


@probe(public=True, judge=_split_judge)
def split_chronological(m):
    "train_test_split_series on 20, 47 and (30, 2) steps: the first part trains, the last part tests"
    s47 = torch.randn(47, generator=_gen(2))
    return {"N=20, 0.25": _split(m, torch.arange(20.0), 0.25),
            "N=47, 0.3": _split(m, s47, 0.3),
            "(30, 2), 0.2": _split(m, torch.arange(60.0).view(30, 2), 0.2)}


@probe(judge=_split_judge)
def split_bad_fraction(m):
    "ValueError when the test part would be empty or take everything"
    s = torch.arange(20.0)
    return {"fraction 0.01": raised(lambda: m.train_test_split_series(s, 0.01)),
            "fraction 1.0": raised(lambda: m.train_test_split_series(s, 1.0))}


# ----------------------------------------------------------------------------------- scaler

def _scaler_judge(got, ref):
    for case, r in ref["out"].items():
        g = got["out"][case]
        if not isinstance(g, tuple) or len(g) != 2:
            return f"{case}: fit_scaler must return a tuple (mean, std), got {type(g).__name__}"
        for name, a, b in (("mean", g[0], r[0]), ("std", g[1], r[1])):
            why = _tensor_issue(a, b, f"{case}: {name}", rtol=1e-5, atol=1e-6)
            if why and name == "std" and isinstance(a, torch.Tensor) and a.shape == b.shape:
                n = got["n"][case]
                if not compare(a, b * math.sqrt(n / (n - 1)), rtol=1e-5, atol=1e-6):
                    return (f"{case}: std is the sample standard deviation (divided by N - 1); "
                            "the statement asks for the population one (correction=0)")
            if why:
                return why
    return None


@probe(judge=_scaler_judge)
def scaler_statistics(m):
    "fit_scaler on a (50,) and a (40, 3) series: per-feature mean and population std"
    g = _gen(3)
    one = torch.randn(50, generator=g) * 3 + 2
    three = torch.randn(40, 3, generator=g) * torch.tensor([1.0, 5.0, 0.2]) + torch.tensor(
        [0.0, -3.0, 10.0])
    out = {"(50,)": m.fit_scaler(one), "(40, 3)": m.fit_scaler(three)}
    out = {k: tuple(v) if isinstance(v, tuple) else v for k, v in out.items()}
    return {"out": out, "n": {"(50,)": 50, "(40, 3)": 40}}


# ----------------------------------------------------------------------------- prepare_data

_NAMES = ("X_train", "y_train", "X_test", "y_test", "mean", "std")


def _prepare_judge(got, ref):
    out = got["out"]
    if not isinstance(out, tuple) or len(out) != 6:
        return ("prepare_data must return a tuple of six tensors (X_train, y_train, X_test, "
                f"y_test, mean, std), got {type(out).__name__}")
    if not torch.equal(got["series_after"], ref["series_after"]):
        return "prepare_data modified the series it was given"
    series = ref["series_after"]
    mean, rmean = out[4], ref["out"][4]
    if isinstance(mean, torch.Tensor) and mean.shape == rmean.shape and compare(
            mean, rmean, rtol=1e-5, atol=1e-6) and not compare(
            mean, series.mean(0), rtol=1e-5, atol=1e-6):
        return ("mean is the mean of the whole series: the scaler saw the test period; fit it "
                "on the training part only")
    for name, a, b in zip(_NAMES, out, ref["out"], strict=True):
        if name in ("X_train", "X_test") and isinstance(a, torch.Tensor) and a.dim() == 3 \
                and a.shape[0] != b.shape[0]:
            return (f"{name} has {a.shape[0]} windows, expected {b.shape[0]}: split first, then "
                    "window each part on its own (no window crosses the split)")
        why = _tensor_issue(a, b, name, rtol=1e-5, atol=1e-5)
        if why:
            return why
    return None


@probe(public=True, judge=_prepare_judge)
def prepare_trend(m):
    "prepare_data(60 steps with a trend, window=5, horizon=2, test_fraction=0.25): all six outputs"
    t = torch.arange(60.0)
    series = 0.05 * t + torch.sin(t * 0.7) + 0.1 * torch.randn(60, generator=_gen(4))
    out = m.prepare_data(series, 5, 2, 0.25)
    return {"out": tuple(out) if isinstance(out, tuple) else out, "series_after": series}


@probe(judge=_prepare_judge)
def prepare_two_features(m):
    "prepare_data on a (50, 2) series, window=4, horizon=1, test_fraction=0.3: all six outputs"
    t = torch.arange(50.0)[:, None]
    series = torch.cat([0.1 * t + torch.cos(t), 5 - 0.02 * t * t], dim=1)
    series = series + 0.05 * torch.randn(50, 2, generator=_gen(5))
    out = m.prepare_data(series, 4, 1, 0.3)
    return {"out": tuple(out) if isinstance(out, tuple) else out, "series_after": series}


# ------------------------------------------------------------------------------- Forecaster

def _spec(f: int, hidden: int, horizon: int) -> dict[str, tuple[int, ...]]:
    """The state_dict keys and shapes the statement fixes."""
    return {"lstm.weight_ih_l0": (4 * hidden, f), "lstm.weight_hh_l0": (4 * hidden, hidden),
            "lstm.bias_ih_l0": (4 * hidden,), "lstm.bias_hh_l0": (4 * hidden,),
            "head.weight": (horizon * f, hidden), "head.bias": (horizon * f,)}


def _loaded(m, f: int, hidden: int, horizon: int, seed: int, scale: float = 0.4):
    g = _gen(seed)
    sd = {k: (torch.rand(shape, generator=g) * 2 - 1) * scale
          for k, shape in _spec(f, hidden, horizon).items()}
    model = m.Forecaster(f, hidden, horizon)
    model.load_state_dict(sd, strict=True)
    return model


def _structure_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        missing, extra = sorted(set(r) - set(g)), sorted(set(g) - set(r))
        if missing or extra:
            return (f"{case}: state_dict keys missing {missing}, unexpected {extra}; expected "
                    f"exactly {sorted(r)}")
        for k in r:
            if g[k] != r[k]:
                return f"{case}: {k} has shape {tuple(g[k])}, expected {tuple(r[k])}"
    return None


@probe(public=True, judge=_structure_judge)
def forecaster_structure(m):
    "state_dict keys and shapes of Forecaster(1, 8) and Forecaster(2, 5, horizon=3)"
    return {case: {k: list(v.shape) for k, v in m.Forecaster(*args).state_dict().items()}
            for case, args in (("Forecaster(1, 8)", (1, 8)),
                               ("Forecaster(2, 5, 3)", (2, 5, 3)))}


def _observe(m, f: int, hidden: int, horizon: int, batch: int, t: int, seed: int) -> dict:
    model = _loaded(m, f, hidden, horizon, seed)
    g = _gen(100 + seed)
    x = torch.randn(batch, t, f, generator=g)
    w = torch.randn(batch, horizon, f, generator=g)
    out = model(x)
    obs = {"out": out.detach().clone() if isinstance(out, torch.Tensor) else None}
    if obs["out"] is None or out.shape != w.shape:
        return obs
    (out * w).sum().backward()
    obs["grads"] = {n: None if p.grad is None else p.grad.clone()
                    for n, p in model.named_parameters()}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    obs["after_step"] = {n: p.detach().clone() for n, p in model.named_parameters()}
    return obs


def _values_judge(got, ref):
    for case, r in ref.items():
        g = got[case]
        why = _tensor_issue(g["out"], r["out"], f"{case}: the output", rtol=1e-5, atol=1e-6)
        if why:
            return why + " (with the tests' weights loaded)"
        why = compare(g["grads"], r["grads"], rtol=1e-4, atol=1e-6, path="grad")
        if why:
            return f"{case}: the gradients after a seeded loss differ: {why}"
        why = compare(g["after_step"], r["after_step"], rtol=1e-5, atol=1e-6, path="param")
        if why:
            return f"{case}: the parameters after one SGD step differ: {why}"
    return None


@probe(judge=_values_judge)
def forecaster_values(m):
    "loaded weights, F=2, hidden=6, horizon=3, a (4, 7, 2) batch: output, gradients, one SGD step"
    return {"B=4, T=7, F=2, horizon=3": _observe(m, 2, 6, 3, batch=4, t=7, seed=6)}


@probe(judge=_values_judge)
def forecaster_batch_one_step_one(m):
    "a batch of one, and T = 1: output shapes (1, horizon, F), values, gradients"
    return {"B=1, T=5, F=1": _observe(m, 1, 4, 1, batch=1, t=5, seed=7),
            "B=3, T=1, F=2, horizon=2": _observe(m, 2, 5, 2, batch=3, t=1, seed=8)}


# --------------------------------------------------------------------------------- training

def _sine_data():
    """A seeded noisy sine of 320 steps: 240 to train, 80 to test, scaled by the training part,
    windows of 16 cut from each part separately (written here, not the learner's pipeline)."""
    t = torch.arange(320.0)
    s = torch.sin(2 * math.pi * t / 20) + 0.15 * torch.randn(320, generator=_gen(9))
    train, test = s[:240], s[240:]
    mean, std = train.mean(), train.std(correction=0)

    def cut(part):
        c = ((part - mean) / std).unfold(0, 17, 1)  # (M, 17)
        return c[:, :16, None], c[:, 16:, None]  # (M, 16, 1), (M, 1, 1)

    return (*cut(train), *cut(test))


def _train_judge(got, ref):
    losses = got["losses"]
    if not isinstance(losses, list) or not all(type(v) is float for v in losses):
        return (f"train_forecaster returned a {got['losses_type']}; expected a list of Python "
                "floats, one per step")
    if len(losses) != len(ref["losses"]):
        return f"train_forecaster returned {len(losses)} losses for {len(ref['losses'])} steps"
    if not all(math.isfinite(v) for v in losses):
        return "the training loss became NaN or infinite"
    why = compare(torch.tensor(losses[:5]), torch.tensor(ref["losses"][:5]), rtol=1e-3,
                  atol=1e-6)
    if why:
        return (f"the first losses {[round(v, 5) for v in losses[:5]]} differ from the "
                f"reference's {[round(v, 5) for v in ref['losses'][:5]]}: full-batch Adam on the "
                "mean squared error, fresh gradients every step, each loss before its update")
    pred, y, last = got["pred"], ref["y"], ref["last"]
    if not isinstance(pred, torch.Tensor) or pred.shape != y.shape:
        return f"the trained model's test predictions have the wrong shape (expected {tuple(y.shape)})"
    mse = float(((pred - y) ** 2).mean())
    naive = float(((last - y) ** 2).mean())
    ref_mse = float(((ref["pred"] - y) ** 2).mean())
    if not mse <= 0.6 * naive:
        return (f"test MSE {mse:.4f} after training, the naive last-value forecast has "
                f"{naive:.4f}: expected at most 0.6x of it (the reference gets {ref_mse:.4f})")
    return None


@probe(judge=_train_judge)
def trains_beats_naive(m):
    "Forecaster(1, 12) from the tests' weights, train_forecaster(80 steps, lr=0.03) on a noisy sine: test MSE <= 0.6x the last-value forecast"
    x_tr, y_tr, x_te, y_te = _sine_data()
    model = _loaded(m, 1, 12, 1, seed=10, scale=1 / math.sqrt(12))
    losses = m.train_forecaster(model, x_tr, y_tr, 80, 0.03)
    model.eval()
    with torch.no_grad():
        pred = model(x_te)
    return {"losses_type": type(losses).__name__,
            "losses": losses if isinstance(losses, list) else None,
            "pred": pred, "y": y_te, "last": x_te[:, -1:]}
