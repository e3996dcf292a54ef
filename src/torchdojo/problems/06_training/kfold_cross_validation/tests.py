"""Probes for kfold_cross_validation. kfold_indices: the indices of each fold's two parts (sorted,
since the order inside a part is not graded), types and dtypes, compared with the reference's.
cross_validate: X carries each sample's id in column 0; the probe's make_model counts its calls
and hands out serial-numbered models with seeded weights, and its train_fn/eval_fn record which
model and which sample ids they get and the model's weights on entry and exit; the judge checks
fresh models, the right samples, the scores, mean and population std."""

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

TOL = {"rtol": 1e-4, "atol": 1e-6}


# ---------------------------------------------------------------- kfold_indices


def _describe_part(t):
    if not isinstance(t, torch.Tensor):
        return {"type": type(t).__name__}
    return {"type": "Tensor", "dtype": str(t.dtype), "dim": t.dim(),
            "ids": sorted(int(v) for v in t.reshape(-1).tolist())}


def _folds(m, n, k, seed):
    out = m.kfold_indices(n, k, seed)
    obs = {"type": type(out).__name__, "folds": None}
    if isinstance(out, list):
        obs["folds"] = [{"type": type(f).__name__, "len": len(f) if isinstance(f, tuple) else -1,
                         "parts": [_describe_part(p) for p in f] if isinstance(f, tuple) else []}
                        for f in out]
    return obs


def _folds_msg(got, ref, what=""):
    if got.get("type") != "list" or got.get("folds") is None:
        return f"{what}kfold_indices must return a list, got {got.get('type')}"
    gf, rf = got["folds"], ref["folds"]
    if len(gf) != len(rf):
        return f"{what}expected {len(rf)} folds, got {len(gf)}"
    for i, (g, r) in enumerate(zip(gf, rf, strict=True)):
        if g["type"] != "tuple" or g["len"] != 2:
            return f"{what}fold {i} must be a tuple (train_idx, val_idx), got {g['type']}"
        for name, gp, rp in zip(("train_idx", "val_idx"), g["parts"], r["parts"], strict=True):
            if gp["type"] != "Tensor":
                return f"{what}fold {i}: {name} must be a torch.Tensor, got {gp['type']}"
            if gp["dtype"] != rp["dtype"] or gp["dim"] != 1:
                return (f"{what}fold {i}: {name} must be a 1-D {rp['dtype']} tensor, got "
                        f"{gp['dim']}-D {gp['dtype']}")
        (gt, gv), (rt, rv) = [p["ids"] for p in g["parts"]], [p["ids"] for p in r["parts"]]
        if len(gv) != len(rv):
            return f"{what}fold {i}: the validation part should hold {len(rv)} indices, got {len(gv)}"
        if set(gt) & set(gv):
            return f"{what}fold {i}: train_idx and val_idx share indices"
        if len(gt) != len(rt) or len(set(gt)) != len(gt):
            return (f"{what}fold {i}: the training part should hold {len(rt)} distinct "
                    f"indices, got {len(gt)} ({len(set(gt))} distinct)")
        if gv != rv:
            return (f"{what}fold {i}: the validation indices differ from chunk {i} of the "
                    "seeded permutation")
        if gt != rt:
            return f"{what}fold {i}: the training part is not every index outside the fold"
    return None


@probe(public=True, judge=_folds_msg)
def folds_ten_by_four(m):
    "kfold_indices(10, 4, seed=1): the four folds"
    return _folds(m, 10, 4, 1)


@probe(judge=_folds_msg)
def folds_divisible(m):
    "kfold_indices(12, 3, seed=5): k divides n"
    return _folds(m, 12, 3, 5)


@probe(judge=_folds_msg)
def folds_remainder(m):
    "kfold_indices(23, 5, seed=7): k does not divide n"
    return _folds(m, 23, 5, 7)


@probe(judge=_folds_msg)
def folds_large_remainder(m):
    "kfold_indices(27, 6, seed=3): a remainder of three"
    return _folds(m, 27, 6, 3)


@probe(judge=_folds_msg)
def folds_two(m):
    "kfold_indices(9, 2, seed=4): two folds of unequal size"
    return _folds(m, 9, 2, 4)


@probe(judge=_folds_msg)
def leave_one_out(m):
    "kfold_indices(7, 7, seed=2): k = n, leave-one-out"
    return _folds(m, 7, 7, 2)


def _judge_seeds(got, ref):
    for key, what in (("a", "seed=11: "), ("b", "seed=12: "), ("a_again", "seed=11 again: ")):
        msg = _folds_msg(got[key], ref[key], what)
        if msg:
            return msg
    return None


@probe(judge=_judge_seeds)
def seed_changes_folds(m):
    "kfold_indices(20, 4) with seed 11, seed 12 and seed 11 again"
    return {"a": _folds(m, 20, 4, 11), "b": _folds(m, 20, 4, 12), "a_again": _folds(m, 20, 4, 11)}


# ---------------------------------------------------------------- cross_validate


class _Tracked(nn.Module):
    """A linear model on the features (column 0 of X is the sample id, not a feature)."""

    def __init__(self, f: int, serial: int, g: torch.Generator) -> None:
        super().__init__()
        self.lin = nn.Linear(f, 1)
        self.lin.load_state_dict({"weight": torch.randn(1, f, generator=g),
                                  "bias": torch.randn(1, generator=g)}, strict=True)
        self.serial = serial

    def forward(self, x):
        return self.lin(x[:, 1:]).squeeze(-1)  # (N,)


def _state(model):
    return torch.cat([p.detach().reshape(-1).clone() for p in model.lin.parameters()])


def _serial(model):
    return getattr(model, "serial", -1) if isinstance(model, _Tracked) else -1


def _data(n, f, seed):
    g = torch.Generator().manual_seed(seed)
    feats = torch.randn(n, f, generator=g)
    y = feats @ torch.randn(f, generator=g) + 0.3 * torch.randn(n, generator=g)
    X = torch.cat([torch.arange(n, dtype=torch.float32).unsqueeze(1), feats], dim=1)  # (n, 1+f)
    return X, y


def _cv(m, n, k, seed, f=3):
    X, y = _data(n, f, 100 + seed)
    X0, y0 = X.clone(), y.clone()
    g = torch.Generator().manual_seed(200 + seed)
    log = {"made": 0, "init": [], "train": [], "eval": [], "events": 0}

    def make_model():
        model = _Tracked(f, log["made"], g)
        log["made"] += 1
        log["init"].append(_state(model))
        return model

    def ids_of(Xp):
        return sorted(int(v) for v in Xp[:, 0].tolist())

    def train_fn(model, X_tr, y_tr):
        log["events"] += 1
        entry = _state(model) if isinstance(model, _Tracked) else None
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(5):  # full batch: the order of the samples does not matter
            opt.zero_grad()
            nn.functional.mse_loss(model(X_tr), y_tr).backward()
            opt.step()
        log["train"].append({"serial": _serial(model), "ids": ids_of(X_tr), "entry": entry,
                             "exit": _state(model) if isinstance(model, _Tracked) else None,
                             "event": log["events"]})

    def eval_fn(model, X_va, y_va):
        log["events"] += 1
        log["eval"].append({"serial": _serial(model), "ids": ids_of(X_va),
                            "entry": _state(model) if isinstance(model, _Tracked) else None,
                            "event": log["events"]})
        with torch.no_grad():
            return nn.functional.mse_loss(model(X_va), y_va).item()

    out = m.cross_validate(make_model, train_fn, eval_fn, X, y, k, seed)
    obs = {"type": type(out).__name__, "log": log,
           "unchanged": torch.equal(X, X0) and torch.equal(y, y0)}
    if isinstance(out, dict):
        obs["keys"] = sorted(str(key) for key in out)
        scores = out.get("scores")
        obs["scores_type"] = type(scores).__name__
        obs["score_types"] = ([type(s).__name__ for s in scores]
                              if isinstance(scores, list) else [])
        obs["scores"] = list(scores) if isinstance(scores, list) else None
        for key in ("mean", "std"):
            obs[key + "_type"] = type(out.get(key)).__name__
            obs[key] = out.get(key) if isinstance(out.get(key), float) else None
    return obs


def _judge_cv(got, ref):
    if got["type"] != "dict":
        return f"cross_validate must return a dict, got {got['type']}"
    if got["keys"] != ref["keys"]:
        return f"the result's keys should be {ref['keys']}, got {got['keys']}"
    if not got["unchanged"]:
        return "cross_validate modified X or y"
    glog, rlog = got["log"], ref["log"]
    k = len(rlog["train"])
    if len(glog["train"]) != k or len(glog["eval"]) != k:
        return (f"expected one train_fn and one eval_fn call per fold ({k} each), got "
                f"{len(glog['train'])} and {len(glog['eval'])}")
    if glog["made"] != rlog["made"]:
        return f"make_model() should be called once per fold ({k} times), got {glog['made']}"
    serials = [t["serial"] for t in glog["train"]]
    for i, (gt, ge, rt, re_) in enumerate(zip(glog["train"], glog["eval"], rlog["train"],
                                             rlog["eval"], strict=True)):
        if gt["serial"] < 0:
            return f"fold {i}: train_fn did not get a model made by make_model()"
        if serials.count(gt["serial"]) > 1:
            return f"fold {i}: the same model was trained in more than one fold"
        if compare(gt["entry"], glog["init"][gt["serial"]]):
            return f"fold {i}: the model given to train_fn was not fresh (already trained)"
        val = set(re_["ids"])
        if gt["ids"] != rt["ids"]:
            if set(gt["ids"]) & val:
                return f"fold {i}: train_fn received samples from the fold's validation part"
            return (f"fold {i}: train_fn should get the {len(rt['ids'])} samples outside the "
                    f"fold, got {len(gt['ids'])} other ones")
        if ge["ids"] != re_["ids"]:
            return (f"fold {i}: eval_fn should get exactly the fold's {len(re_['ids'])} "
                    f"validation samples, got {len(ge['ids'])} other ones")
        if ge["serial"] != gt["serial"] or ge["event"] < gt["event"]:
            return f"fold {i}: eval_fn must score the model that train_fn just trained"
        if compare(ge["entry"], gt["exit"]):
            return f"fold {i}: the model's weights changed between training and evaluation"
    if got["scores_type"] != "list" or got["score_types"] != ["float"] * k:
        return (f"'scores' must be a list of {k} Python floats, got {got['scores_type']} "
                f"of {got['score_types']}")
    msg = compare(got["scores"], ref["scores"], **TOL)
    if msg:
        return f"the scores differ: {msg}"
    for key in ("mean", "std"):
        if got[key + "_type"] != "float":
            return f"'{key}' must be a Python float, got {got[key + '_type']}"
        msg = compare(got[key], ref[key], **TOL)
        if msg:
            what = " (the population std, dividing by k)" if key == "std" else ""
            return f"'{key}' differs from the {key} of the scores{what}: {msg}"
    return None


@probe(public=True, judge=_judge_cv)
def cv_five_folds(m):
    "cross_validate on n=15 samples, k=5, seed=4: models, samples seen, scores, mean, std"
    return _cv(m, 15, 5, 4)


@probe(judge=_judge_cv)
def cv_remainder(m):
    "n=17, k=4, seed=9 (k does not divide n)"
    return _cv(m, 17, 4, 9)


@probe(judge=_judge_cv)
def cv_two_folds(m):
    "n=11, k=2, seed=6"
    return _cv(m, 11, 2, 6, f=2)


@probe(judge=_judge_cv)
def cv_leave_one_out(m):
    "n=6, k=6, seed=8: leave-one-out"
    return _cv(m, 6, 6, 8)


@probe
def bad_k(m):
    "k < 2 and k > n are rejected by kfold_indices and by cross_validate"
    X, y = _data(5, 2, 0)

    def cv(k):
        return m.cross_validate(lambda: nn.Identity(), lambda *a: None, lambda *a: 0.0,
                                X, y, k, 0)

    return {"k1": raised(lambda: m.kfold_indices(5, 1, 0)),
            "k0": raised(lambda: m.kfold_indices(5, 0, 0)),
            "k_over_n": raised(lambda: m.kfold_indices(5, 6, 0)),
            "k_neg": raised(lambda: m.kfold_indices(5, -2, 0)),
            "k_equal_n": raised(lambda: m.kfold_indices(5, 5, 0)),
            "cv_k1": raised(lambda: cv(1)),
            "cv_k_over_n": raised(lambda: cv(6))}


@probe
def global_rng_untouched(m):
    "the global torch RNG is neither consumed nor reseeded"
    torch.manual_seed(1234)
    m.kfold_indices(13, 3, 5)
    after_folds = torch.rand(3)
    torch.manual_seed(1234)
    X, y = _data(9, 2, 1)
    m.cross_validate(lambda: nn.Identity(), lambda *a: None, lambda *a: 0.0, X, y, 3, 7)
    return {"after_kfold_indices": after_folds, "after_cross_validate": torch.rand(3)}
