"""Probes for state_dict_checkpoint. A small MLP with a BatchNorm1d (buffers) trained a few Adam
steps is saved; the file is read back by the probe with weights_only=True; a freshly built
model and optimizer are restored and compared exactly (state, outputs, two more Adam steps
against an uninterrupted run, also when the saved model kept training after the save); strict
loading, a file with a non-tensor object, map_location forwarding, train/eval mode."""

import os
import tempfile
from fractions import Fraction

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    """Seeded input from a generator of its own: what the learner's code draws from the global
    generator (weight init) does not change the inputs."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _net(seed: int) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _opt(model: nn.Module) -> torch.optim.Optimizer:
    return torch.optim.Adam(model.parameters(), lr=0.01)


def _batches(n: int, seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(16, 4, generator=g), torch.randint(0, 3, (16,), generator=g))
            for _ in range(n)]


def _train(model: nn.Module, opt: torch.optim.Optimizer, batches) -> None:
    model.train()
    for x, y in batches:
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()


def _path() -> str:
    return os.path.join(tempfile.mkdtemp(), "ckpt.pt")


def _trained(seed: int = 0) -> tuple[nn.Module, torch.optim.Optimizer]:
    model = _net(seed)
    opt = _opt(model)
    _train(model, opt, _batches(3, seed=100 + seed))
    return model, opt


def _state(model: nn.Module) -> dict:
    return {k: v.clone() for k, v in model.state_dict().items()}


def _exact(messages: dict[str, str]):
    """A judge comparing key by key, exactly; the first key that differs explains itself."""

    def judge(got, ref):
        for key, text in messages.items():
            why = compare(got[key], ref[key], rtol=0, atol=0)
            if why:
                return f"{text} ({why})"
        return None

    return judge


_ROUNDTRIP = {
    "epoch": "load_checkpoint must return the saved epoch as an int",
    "state": "after load_checkpoint the fresh model's state_dict is not the saved one",
    "out": "after load_checkpoint the fresh model's eval-mode outputs are not the saved model's",
}


@probe(public=True, judge=_exact(_ROUNDTRIP))
def roundtrip(m):
    "save a trained model at epoch 4, load into a fresh model and optimizer: epoch 4 (int), identical state and outputs"
    model, opt = _trained()
    path = _path()
    m.save_checkpoint(model, opt, 4, path)
    fresh = _net(seed=1)  # other random weights
    epoch = m.load_checkpoint(fresh, _opt(fresh), path)
    x = _randn(5, 4, seed=1001)
    with torch.no_grad():
        out = fresh.eval()(x)
    return {"epoch": epoch, "state": _state(fresh), "out": out}


def _file_judge(got, ref):
    if got["error"]:
        return (f"torch.load(path, weights_only=True) refuses the file ({got['error']}): save "
                "only plain data (state_dicts and numbers), no module or optimizer objects")
    if got["keys"] != ref["keys"]:
        return f"the file holds the keys {got['keys']}, expected exactly {ref['keys']}"
    if got["epoch_type"] != "int":
        return f"'epoch' in the file is a {got['epoch_type']}, expected a Python int"
    for key, text in (("epoch", "'epoch' in the file"),
                      ("model_keys", "the keys of 'model_state'"),
                      ("model_state", "'model_state'"),
                      ("optimizer_keys", "the keys of 'optimizer_state'"),
                      ("optimizer_state", "the per-parameter state in 'optimizer_state'"),
                      ("lr", "the learning rate in 'optimizer_state'")):
        why = compare(got[key], ref[key], rtol=0, atol=0)
        if why:
            return f"{text}: {why}"
    return None


@probe(public=True, judge=_file_judge)
def file_contents(m):
    "the file loads with torch.load(weights_only=True): keys model_state, optimizer_state, epoch (int)"
    model, opt = _trained()
    path = _path()
    m.save_checkpoint(model, opt, 7, path)
    try:
        ck = torch.load(path, weights_only=True)
    except Exception as exc:  # noqa: BLE001 - the refusal is the observation
        return {"error": type(exc).__name__}
    if not isinstance(ck, dict):
        return {"error": None, "keys": [type(ck).__name__]}
    obs = {"error": None, "keys": sorted(str(k) for k in ck),
           "epoch": ck.get("epoch"), "epoch_type": type(ck.get("epoch")).__name__}
    ms, os_ = ck.get("model_state"), ck.get("optimizer_state")
    obs["model_keys"] = list(ms) if isinstance(ms, dict) else None
    obs["model_state"] = dict(ms) if isinstance(ms, dict) else None
    obs["optimizer_keys"] = sorted(os_) if isinstance(os_, dict) else None
    try:
        obs["optimizer_state"] = {str(i): dict(s) for i, s in os_["state"].items()}
        obs["lr"] = [g["lr"] for g in os_["param_groups"]]
    except Exception:  # noqa: BLE001 - a malformed optimizer state is the observation
        obs["optimizer_state"] = obs["lr"] = None
    return obs


_RESUME = {
    "resumed": "two Adam steps after load_checkpoint do not give the parameters of the "
               "uninterrupted run (is the optimizer state restored onto the model's own "
               "parameters?)",
    "optimizer_step": "the restored optimizer's step counts are not the saved ones",
}


def _resume(m, train_after_save: bool) -> dict:
    model, opt = _trained()
    path = _path()
    m.save_checkpoint(model, opt, 3, path)
    more = _batches(2, seed=200)
    if train_after_save:
        _train(model, opt, more)  # the run goes on after the checkpoint was written
    fresh = _net(seed=1)
    fresh_opt = _opt(fresh)
    m.load_checkpoint(fresh, fresh_opt, path)
    steps = [fresh_opt.state[p]["step"].clone() if p in fresh_opt.state else None
             for p in fresh.parameters()]
    _train(fresh, fresh_opt, more)
    return {"resumed": _state(fresh), "optimizer_step": steps}


@probe(judge=_exact(_RESUME))
def resume_matches_uninterrupted(m):
    "save after 3 Adam steps, load into a fresh model and optimizer, 2 more steps: equal to an uninterrupted 5-step run"
    return _resume(m, train_after_save=False)


_COPY = {
    "resumed": "the model kept training after save_checkpoint, and loading gave the state as it "
               "is now, not as it was saved: the checkpoint must be the copy torch.save wrote, "
               "not the live state_dict() (it shares storage with the parameters)",
    "optimizer_step": "the restored optimizer's step counts are those of after the save, not "
                      "the saved ones",
}


@probe(judge=_exact(_COPY))
def checkpoint_is_a_copy(m):
    "the saved model keeps training after save_checkpoint; loading still gives the state at the time of the save"
    return _resume(m, train_after_save=True)


class _WithScale(nn.Sequential):
    """The same layers plus a buffer the checkpoint does not have."""

    def __init__(self, seed: int) -> None:
        super().__init__(*_net(seed))
        self.register_buffer("scale", torch.ones(1))


def _strict_judge(got, ref):
    for key, what in (("missing_key", "a model with a buffer the file lacks"),
                      ("unexpected_keys", "a model without batch-norm running statistics")):
        if got[key] != ref[key]:
            said = "nothing" if got[key] is None else got[key]
            return (f"loading into {what} must raise {ref[key]} (strict loading), got {said}")
    return None


@probe(judge=_strict_judge)
def strict_loading(m):
    "loading into a model with an extra buffer, or one lacking the running statistics, raises RuntimeError"
    model, opt = _trained()
    path = _path()
    m.save_checkpoint(model, opt, 2, path)
    extra = _WithScale(seed=1)
    lean = _net(seed=1)
    lean[1] = nn.BatchNorm1d(8, track_running_stats=False)
    return {"missing_key": raised(lambda: m.load_checkpoint(extra, _opt(extra), path)),
            "unexpected_keys": raised(lambda: m.load_checkpoint(lean, _opt(lean), path))}


def _refuse_judge(got, ref):
    if got["raised"] != ref["raised"]:
        said = "loaded it" if got["raised"] is None else f"raised {got['raised']}"
        return (f"a checkpoint holding a fractions.Fraction must be refused by "
                f"torch.load(..., weights_only=True) ({ref['raised']}); load_checkpoint {said}")
    return None


@probe(judge=_refuse_judge)
def refuses_pickled_objects(m):
    "a file that also holds a non-tensor Python object (a Fraction) is refused with UnpicklingError"
    model, opt = _trained()
    path = _path()
    torch.save({"model_state": model.state_dict(), "optimizer_state": opt.state_dict(),
                "epoch": 5, "note": Fraction(1, 3)}, path)
    fresh = _net(seed=1)
    return {"raised": raised(lambda: m.load_checkpoint(fresh, _opt(fresh), path))}


def _map_judge(got, ref):
    if not got["called"]:
        return ("the map_location function given to load_checkpoint was never called: pass "
                "map_location on to torch.load")
    if got["epoch"] != ref["epoch"]:
        return f"expected epoch {ref['epoch']}, got {got['epoch']!r}"
    return None


@probe(judge=_map_judge)
def forwards_map_location(m):
    "load_checkpoint(..., map_location=fn) calls fn for the file's storages"
    model, opt = _trained()
    path = _path()
    torch.save({"model_state": model.state_dict(), "optimizer_state": opt.state_dict(),
                "epoch": 6}, path)
    calls = []

    def to_cpu(storage, location):
        calls.append(location)
        return storage

    fresh = _net(seed=1)
    epoch = m.load_checkpoint(fresh, _opt(fresh), path, map_location=to_cpu)
    return {"called": bool(calls), "epoch": epoch}


def _mode_judge(got, ref):
    if got != ref:
        return (f"model.training after load_checkpoint: {got} for a model in train mode and one "
                f"in eval mode; expected {ref} (the mode is the caller's choice)")
    return None


@probe(judge=_mode_judge)
def keeps_train_eval_mode(m):
    "load_checkpoint leaves a model in train mode in train mode, and one in eval mode in eval mode"
    model, opt = _trained()
    path = _path()
    m.save_checkpoint(model, opt, 1, path)
    modes = []
    for train in (True, False):
        fresh = _net(seed=1).train(train)
        m.load_checkpoint(fresh, _opt(fresh), path)
        modes.append(fresh.training)
    return modes
