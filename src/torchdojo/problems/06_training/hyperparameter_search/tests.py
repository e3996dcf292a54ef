"""Probes for hyperparameter_search. run_search: the probe's own objectives record every params
dict they are called with; the sequence, best_params, trial count, direction and warnings are
compared with the reference's (exactly: the same seeded TPE sampler in another process gives the
same suggestions). train_and_validate: seeded data, the returned loss. select_and_test: a
recording fit_fn that names the split each call trains and scores on (by identity, or equal
contents) and returns synthetic losses whose validation and test optima differ."""

import math
import warnings

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-4, "atol": 1e-6}


def _data(seed, f=3, sizes=(40, 20, 20)):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(f, generator=g)  # one target function for all three splits

    def split(n):
        X = torch.randn(n, f, generator=g)
        return X, torch.sin(X @ w) + 0.1 * torch.randn(n, generator=g)

    return dict(zip(("train", "val", "test"), (split(n) for n in sizes), strict=True))


# ---------------------------------------------------------------- run_search


def _landscape(center, pen):
    """A synthetic validation loss: a bowl in log10(lr) plus a per-width penalty."""
    def f(p):
        return (math.log10(p["lr"]) - center) ** 2 + pen.get(p["hidden"], 5.0)
    return f


def _search(m, objective, n_trials, seed):
    calls = []

    def recording(params):
        ok = isinstance(params, dict)
        calls.append({"type": type(params).__name__,
                      "keys": sorted(str(k) for k in params) if ok else [],
                      "lr": params.get("lr") if ok else None,
                      "hidden": params.get("hidden") if ok else None})
        return objective(params)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = m.run_search(recording, n_trials, seed)
    obs = {"type": type(out).__name__, "len": len(out) if isinstance(out, tuple) else -1,
           "calls": calls,
           "warnings": [f"{w.category.__name__}: {str(w.message)[:80]}" for w in caught]}
    if isinstance(out, tuple) and len(out) == 2:
        best, study = out
        obs["best_type"] = type(best).__name__
        obs["best"] = dict(best) if isinstance(best, dict) else None
        obs["study_type"] = type(study).__name__
        if type(study).__name__ == "Study":
            obs["direction"] = study.direction.name
            obs["n_trials"] = len(study.trials)
    return obs


def _search_msg(got, ref, what=""):
    if got["type"] != "tuple" or got["len"] != 2:
        return f"{what}run_search must return a tuple (best_params, study), got {got['type']}"
    if got["study_type"] != "Study":
        return f"{what}the second element must be the optuna.Study, got {got['study_type']}"
    if got["warnings"]:
        return f"{what}run_search emitted a warning: {got['warnings'][0]}"
    if got["direction"] != ref["direction"]:
        return f"{what}the study's direction should be {ref['direction']}, got {got['direction']}"
    calls, rcalls = got["calls"], ref["calls"]
    if len(calls) != len(rcalls) or got["n_trials"] != ref["n_trials"]:
        return (f"{what}expected {len(rcalls)} trials (objective calls), got {len(calls)} "
                f"objective calls and {got['n_trials']} trials")
    for i, (c, r) in enumerate(zip(calls, rcalls, strict=True)):
        if c["type"] != "dict" or c["keys"] != r["keys"]:
            return (f"{what}trial {i}: objective_fn should get a dict with keys {r['keys']}, "
                    f"got {c['type']} with keys {c['keys']}")
        if c["lr"] != r["lr"] or c["hidden"] != r["hidden"] or type(c["hidden"]) is not int:
            return (f"{what}trial {i}: the suggested parameters differ from the seeded TPE "
                    "search's (check the sampler and its seed, the names, ranges, log scale, "
                    "choices and order of the suggestions)")
    if got["best_type"] != "dict" or compare(got["best"], ref["best"], rtol=0, atol=0):
        return (f"{what}best_params should be the params of the trial with the lowest value, "
                f"got {got['best']}")
    return None


def _judge_search(got, ref):
    return _search_msg(got, ref)


@probe(public=True, judge=_judge_search)
def search_twelve_trials(m):
    "12 trials, seed=0, an objective with its optimum inside the range"
    return _search(m, _landscape(-1.7, {4: 0.3, 8: 0.0, 16: 0.1}), 12, 0)


@probe(judge=_judge_search)
def search_tpe_phase(m):
    "25 trials, seed=7: past the sampler's random start-up trials"
    return _search(m, _landscape(-2.6, {4: 0.0, 8: 0.2, 16: 0.4}), 25, 7)


@probe(judge=_judge_search)
def search_few_trials(m):
    "3 trials, seed=3"
    return _search(m, _landscape(-1.0, {4: 0.2, 8: 0.1, 16: 0.0}), 3, 3)


@probe(judge=_judge_search)
def search_edge_optimum(m):
    "15 trials, seed=11, the best learning rate at the top of the range"
    return _search(m, lambda p: -math.log10(p["lr"]) + 0.05 * p["hidden"], 15, 11)


def _judge_repeat(got, ref):
    for key, what in (("first", "first run: "), ("second", "second run, same seed: ")):
        msg = _search_msg(got[key], ref[key], what)
        if msg:
            return msg
    return None


@probe(judge=_judge_repeat)
def search_reproducible(m):
    "the same seed twice (seed=5, 14 trials): the same trials both times"
    f = _landscape(-2.0, {4: 0.1, 8: 0.3, 16: 0.0})
    return {"first": _search(m, f, 14, 5), "second": _search(m, f, 14, 5)}


# ---------------------------------------------------------------- train_and_validate


def _fit_obs(out):
    return {"type": type(out).__name__, "value": out if isinstance(out, float) else None}


def _judge_fit(got, ref):
    items = got if isinstance(got, list) else [got]
    refs = ref if isinstance(ref, list) else [ref]
    if len(items) != len(refs):
        return f"expected {len(refs)} results, got {len(items)}"
    for i, (g, r) in enumerate(zip(items, refs, strict=True)):
        call = f"call {i}: " if len(refs) > 1 else ""
        if not isinstance(g, dict) or g.get("type") != "float":
            return f"{call}train_and_validate must return a Python float"
        msg = compare(g["value"], r["value"], **TOL)
        if msg:
            return f"{call}the validation loss differs: {msg}"
    return None


@probe(public=True, judge=_judge_fit)
def fit_width_eight(m):
    "train_and_validate({'lr': 0.01, 'hidden': 8}, train (40x3), val (20x3), seed=0)"
    d = _data(1)
    return _fit_obs(m.train_and_validate({"lr": 0.01, "hidden": 8}, d["train"], d["val"], 0))


@probe(judge=_judge_fit)
def fit_width_four(m):
    "lr=0.05, hidden=4, two features, seed=5"
    d = _data(2, f=2, sizes=(30, 12, 12))
    return _fit_obs(m.train_and_validate({"lr": 0.05, "hidden": 4}, d["train"], d["val"], 5))


@probe(judge=_judge_fit)
def fit_width_sixteen(m):
    "lr=0.002, hidden=16, five features, seed=3, scored on a split of another size"
    d = _data(3, f=5, sizes=(25, 9, 9))
    return _fit_obs(m.train_and_validate({"lr": 0.002, "hidden": 16}, d["train"], d["test"], 3))


@probe(judge=_judge_fit)
def fit_fresh_every_call(m):
    "the same call twice with another one in between, and another seed: fresh models each time"
    d = _data(4)
    a = {"lr": 0.03, "hidden": 8}
    out = [m.train_and_validate(a, d["train"], d["val"], 2),
           m.train_and_validate({"lr": 0.004, "hidden": 8}, d["train"], d["val"], 2),
           m.train_and_validate(a, d["train"], d["val"], 2),
           m.train_and_validate(a, d["train"], d["val"], 9)]
    return [_fit_obs(v) for v in out]


@probe
def fit_inputs_unchanged(m):
    "train_and_validate leaves the given tensors unchanged"
    d = _data(5)
    before = {k: (X.clone(), y.clone()) for k, (X, y) in d.items()}
    m.train_and_validate({"lr": 0.1, "hidden": 4}, d["train"], d["val"], 1)
    return {k: torch.equal(d[k][0], before[k][0]) and torch.equal(d[k][1], before[k][1])
            for k in d}


# ---------------------------------------------------------------- select_and_test


def _which(split, data):
    if not isinstance(split, (tuple, list)) or len(split) != 2:
        return "not an (X, y) pair"
    for name, (X, y) in data.items():
        if split[0] is X and split[1] is y:
            return name
    for name, (X, y) in data.items():
        if (isinstance(split[0], torch.Tensor) and isinstance(split[1], torch.Tensor)
                and split[0].shape == X.shape and split[1].shape == y.shape
                and torch.equal(split[0], X) and torch.equal(split[1], y)):
            return name
    return "another split"


def _protocol(m, n_trials, search_seed, val_center, test_center):
    data = _data(20 + search_seed)
    val_loss = _landscape(val_center, {4: 0.2, 8: 0.0, 16: 0.1})
    test_loss = _landscape(test_center, {4: 0.0, 8: 0.3, 16: 0.2})
    calls = []

    def fit_fn(params, train, val, seed):
        trained, scored = _which(train, data), _which(val, data)
        value = {"val": val_loss, "test": test_loss}.get(scored, lambda p: 9.0)(params)
        value += 0.01 * (trained != "train")
        calls.append({"train": trained, "scored": scored, "seed": seed,
                      "lr": params.get("lr"), "hidden": params.get("hidden"), "value": value})
        return value

    out = m.select_and_test(data, n_trials, search_seed, fit_fn)
    obs = {"type": type(out).__name__, "len": len(out) if isinstance(out, tuple) else -1,
           "calls": calls, "n_trials": n_trials, "seed": search_seed}
    if isinstance(out, tuple) and len(out) == 2:
        obs["best"] = dict(out[0]) if isinstance(out[0], dict) else None
        obs["test_type"] = type(out[1]).__name__
        obs["test"] = out[1] if isinstance(out[1], float) else None
    return obs


def _judge_protocol(got, ref):
    if got["type"] != "tuple" or got["len"] != 2:
        return f"select_and_test must return a tuple (best_params, test_loss), got {got['type']}"
    calls, n = got["calls"], got["n_trials"]
    tests = [i for i, c in enumerate(calls) if c["scored"] == "test"]
    if not tests:
        return "the test split was never scored through fit_fn"
    if len(tests) > 1:
        return f"the test split was scored {len(tests)} times; it must be scored exactly once"
    if len(calls) != n + 1:
        return f"expected {n} search calls and one test call to fit_fn, got {len(calls)} calls"
    if tests[0] != n:
        return f"the test split was scored in call {tests[0]}, before the search had finished"
    for i, c in enumerate(calls):
        if c["train"] != "train":
            return f"fit_fn call {i} trained on {c['train']!r}, not on data['train']"
        if i < n and c["scored"] != "val":
            return f"search call {i} scored on {c['scored']!r}, not on data['val']"
        if c["seed"] != got["seed"] or type(c["seed"]) is not int:
            return f"fit_fn call {i} got seed {c['seed']!r}, expected the seed given"
    for i, (c, r) in enumerate(zip(calls[:n], ref["calls"][:n], strict=True)):
        if c["lr"] != r["lr"] or c["hidden"] != r["hidden"]:
            return f"search call {i}: the parameters differ from run_search's seeded trials"
    last, rlast = calls[n], ref["calls"][n]
    if (last["lr"], last["hidden"]) != (rlast["lr"], rlast["hidden"]):
        return "the test call did not use the parameters with the lowest validation loss"
    if got["best"] != ref["best"]:
        return f"the returned best_params differ from the best-by-validation trial's: {got['best']}"
    if got["test_type"] != "float":
        return f"test_loss must be a Python float, got {got['test_type']}"
    msg = compare(got["test"], last["value"], rtol=1e-12, atol=0)
    if msg:
        return f"the returned test_loss is not what the test call of fit_fn returned: {msg}"
    return None


@probe(public=True, judge=_judge_protocol)
def protocol_ten_trials(m):
    "select_and_test with a recording fit_fn: 10 trials, seed=2"
    return _protocol(m, 10, 2, -1.5, -2.7)


@probe(judge=_judge_protocol)
def protocol_tpe_phase(m):
    "select_and_test with a recording fit_fn: 16 trials, seed=9"
    return _protocol(m, 16, 9, -2.4, -1.2)


@probe(judge=_judge_protocol)
def protocol_one_trial(m):
    "select_and_test with a recording fit_fn: a single trial, seed=6"
    return _protocol(m, 1, 6, -2.0, -1.0)


def _judge_end_to_end(got, ref):
    if got["type"] != "tuple" or got["len"] != 2:
        return f"select_and_test must return a tuple (best_params, test_loss), got {got['type']}"
    if got["best"] != ref["best"]:
        return f"best_params differ from the reference search's: {got['best']}"
    if got["test_type"] != "float":
        return f"test_loss must be a Python float, got {got['test_type']}"
    msg = compare(got["test"], ref["test"], **TOL)
    if msg:
        return f"the test loss of the chosen configuration differs: {msg}"
    return None


@probe(judge=_judge_end_to_end)
def end_to_end(m):
    "select_and_test with the default fit_fn on seeded data: 6 trials, seed=4"
    out = m.select_and_test(_data(30), 6, 4)
    obs = {"type": type(out).__name__, "len": len(out) if isinstance(out, tuple) else -1}
    if isinstance(out, tuple) and len(out) == 2:
        obs["best"] = dict(out[0]) if isinstance(out[0], dict) else None
        obs["test_type"] = type(out[1]).__name__
        obs["test"] = out[1] if isinstance(out[1], float) else None
    return obs
