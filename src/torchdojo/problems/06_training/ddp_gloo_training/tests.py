"""Probes for ddp_gloo_training. The probe is the launcher: it forks world_size processes from the
graded process (the learner's module is already loaded there, so fork needs no re-import), gives
them a fresh file:// rendezvous in a scratch folder and GLOO_SOCKET_IFNAME=lo, and each rank
calls the learner's function and writes what came back (made plain: tensors, ints, strings) to
its own file with torch.save. The launcher waits with a deadline, kills every rank on a timeout
or soon after one rank failed (the others would wait in a collective for ever), and reads the
files back with weights_only=True. For training it then replays, in the launcher, the
single-process run on the union of the ranks' per-step batches, from the indices the ranks
reported; the judges compare the learner's weights with the reference's replay and its indices
with the reference's. DDP's constructor imports torch._dynamo (about 2 s): the launcher imports
it once before the first fork, so the ranks inherit it."""

import math
import os
import tempfile
import time

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
RUN_TIMEOUT_S = 10.0  # one launch; a healthy one takes well under a second
LATER_TIMEOUT_S = 3.0  # once a launch has hung, the later ones get less (a hang is a hang)
_HUNG: list[bool] = []  # set when a launch in this check timed out
GRACE_S = 2.0  # after one rank failed, how long the others get before they are killed
_KNOCK_ON = ("by peer", "Connection reset", "Connection closed", "Broken pipe",
             "gloo/transport")  # what a rank reports when another one went away
KEYS = ["fc1.bias", "fc1.weight", "fc2.bias", "fc2.weight"]


# -- the launcher ------------------------------------------------------------------------------

def _rank_main(call, rank: int, world_size: int, init_method: str, out_path: str) -> None:
    """Body of one forked rank: run ``call``, save its plain observation, exit."""
    os.environ["GLOO_SOCKET_IFNAME"] = "lo"  # gloo's device: the loopback interface
    try:
        obs = call(rank, world_size, init_method)
    except BaseException as exc:  # noqa: BLE001 - the failure is the observation
        obs = {"error": f"{type(exc).__name__}: {str(exc).strip()[:240]}"}
    torch.save(obs, out_path + ".part")
    os.replace(out_path + ".part", out_path)


def _launch(call, world_size: int) -> dict:
    """Fork world_size ranks running ``call``; their observations, or why some are missing."""
    import multiprocessing

    import torch._dynamo  # noqa: F401 - DDP's constructor needs it: import once, before fork

    ctx = multiprocessing.get_context("fork")
    root = tempfile.mkdtemp()
    init_method = "file://" + os.path.join(root, "rendezvous")
    paths = [os.path.join(root, f"rank{r}.pt") for r in range(world_size)]
    procs = [ctx.Process(target=_rank_main, args=(call, r, world_size, init_method, paths[r]))
             for r in range(world_size)]
    for p in procs:
        p.start()
    limit = LATER_TIMEOUT_S if _HUNG else RUN_TIMEOUT_S
    deadline, timed_out, failed_at, ended = time.monotonic() + limit, False, None, []
    while any(p.is_alive() for p in procs):
        now = time.monotonic()
        for r, p in enumerate(procs):
            # A rank that ended badly while others still run: give them a moment, then stop
            # them (they would wait in a collective for it for ever).
            if r not in ended and not p.is_alive():
                ended.append(r)
                if failed_at is None and (p.exitcode != 0 or _failed(paths[r])):
                    failed_at = now
        if now > deadline or (failed_at is not None and now > failed_at + GRACE_S):
            timed_out = now > deadline
            break
        time.sleep(0.005)
    stuck = [r for r, p in enumerate(procs) if p.is_alive()]
    if timed_out:
        _HUNG.append(True)
    for p in procs:
        if p.is_alive():
            p.kill()
        p.join()
    ranks = []
    for r, path in enumerate(paths):
        if os.path.exists(path):
            try:
                ranks.append(torch.load(path, weights_only=True))
            except Exception as exc:  # noqa: BLE001 - an unreadable result is an error
                ranks.append({"error": f"its result could not be read ({type(exc).__name__})"})
        elif r in stuck:
            ranks.append({"error": "killed: it was still running (waiting for another rank?)"})
        else:
            ranks.append({"error": f"the process ended with exit code {procs[r].exitcode} "
                                   "before train_worker returned"})
    ended += [r for r in range(world_size) if r not in ended]  # those that ended last
    return {"ranks": ranks, "timed_out": timed_out, "stuck": stuck, "limit": limit,
            "ended": ended}


def _failed(path: str) -> bool:
    if not os.path.exists(path):
        return True
    try:
        return "error" in torch.load(path, weights_only=True)
    except Exception:  # noqa: BLE001
        return True


def _launch_error(got) -> str | None:
    """The first failing rank's story, or None when every rank produced a result."""
    if got["timed_out"]:
        return (f"the ranks did not finish within {got['limit']:.0f} s and were killed "
                f"(ranks {got['stuck']} were still running: a collective waiting for a rank "
                "that never joined?)")
    # A rank that raised is the cause; the others mostly report its dropped connection (or
    # were killed waiting for it).
    errors = [(r, got["ranks"][r]["error"]) for r in got["ended"] if "error" in got["ranks"][r]]
    if not errors:
        return None
    causes = [(r, e) for r, e in errors
              if not e.startswith("killed") and not any(s in e for s in _KNOCK_ON)]
    r, e = (causes or errors)[0]
    return f"rank {r} of {len(got['ranks'])}: {e}"


# -- setup / cleanup ---------------------------------------------------------------------------

def _setup_call(m):
    def call(rank, world_size, init_method):
        import torch.distributed as dist

        m.setup(rank, world_size, init_method)
        obs = {"initialized": dist.is_initialized()}
        if obs["initialized"]:
            t = torch.tensor([float(rank + 1)])
            dist.all_reduce(t)  # sum of 1..world_size on every rank
            obs.update(backend=str(dist.get_backend()), rank=dist.get_rank(),
                       world_size=dist.get_world_size(), reduced=float(t.item()))
        m.cleanup()
        obs["after_cleanup"] = dist.is_initialized()
        return obs
    return call


def _judge_setup(got, ref):
    why = _launch_error(got)
    if why:
        return why
    for r, (o, want) in enumerate(zip(got["ranks"], ref["ranks"], strict=True)):
        if not o["initialized"]:
            return f"rank {r}: dist.is_initialized() is False after setup()"
        if o["backend"] != want["backend"]:
            return f"rank {r}: the backend is {o['backend']!r}, expected {want['backend']!r}"
        if (o["rank"], o["world_size"]) != (want["rank"], want["world_size"]):
            return (f"rank {r}: the group says rank {o['rank']} of {o['world_size']}, expected "
                    f"rank {want['rank']} of {want['world_size']}")
        if o["reduced"] != want["reduced"]:
            return (f"rank {r}: all_reduce of rank + 1 gave {o['reduced']}, expected "
                    f"{want['reduced']}: the ranks are not in one group")
        if o["after_cleanup"]:
            return f"rank {r}: dist.is_initialized() is still True after cleanup()"
    return None


@probe(public=True, judge=_judge_setup)
def setup_and_cleanup(m):
    "two forked ranks: setup() joins one gloo group (an all_reduce works), cleanup() leaves it"
    return _launch(_setup_call(m), 2)


# -- training ----------------------------------------------------------------------------------

def _plain_result(out) -> dict:
    """The learner's return value as plain data (the judge decides what is wrong with it)."""
    if not isinstance(out, dict):
        return {"type": type(out).__name__}
    obs: dict = {"type": "dict", "keys_out": sorted(str(k) for k in out)}
    state = out.get("state_dict")
    if isinstance(state, dict):
        obs["state_keys"] = sorted(str(k) for k in state)
        obs["params"] = {str(k): v.detach().clone() for k, v in state.items()
                         if isinstance(v, torch.Tensor)}
    idx = out.get("indices")
    if isinstance(idx, list) and all(isinstance(e, list) for e in idx):
        if all(isinstance(i, int) and not isinstance(i, bool) for e in idx for i in e):
            obs["indices"] = [[int(i) for i in e] for e in idx]
        else:
            bad = next(i for e in idx for i in e
                       if not isinstance(i, int) or isinstance(i, bool))
            obs["indices_bad"] = f"an element of type {type(bad).__name__}"
    else:
        obs["indices_bad"] = f"{type(idx).__name__}, not a list of lists"
    return obs


class _LoggedData(torch.utils.data.Dataset):
    """N pairs (x, y), one int index at a time; logs every index read (in this process)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor) -> None:
        self._x, self._y, self.reads = x, y, []

    def __len__(self) -> int:
        return self._x.shape[0]

    def __getitem__(self, i):
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"this dataset takes one int index at a time, not {type(i).__name__}")
        self.reads.append(i)
        return self._x[i], self._y[i]


def _train_call(m, case: dict):
    def call(rank, world_size, init_method):
        import torch.distributed as dist

        state = {k: v.clone() for k, v in case["state"].items()}
        data = _LoggedData(case["X"], case["Y"])
        out = m.train_worker(rank, world_size, init_method, state, data, case["epochs"],
                             case["batch_size"], case["lr"], case["seed"])
        obs = _plain_result(out)
        obs["initialized"] = dist.is_initialized()
        obs["reads"] = list(data.reads)
        return obs
    return call


def _replay(case: dict, indices: list) -> dict | None:
    """One process, one SGD step per DDP step on the union of the ranks' batches."""
    from torch import nn

    if indices is None:
        return None
    w1, w2 = case["state"]["fc1.weight"], case["state"]["fc2.weight"]
    model = nn.ModuleDict({"fc1": nn.Linear(w1.shape[1], w1.shape[0]),
                           "fc2": nn.Linear(w2.shape[1], w2.shape[0])})
    model.load_state_dict(case["state"], strict=True)
    opt = torch.optim.SGD(model.parameters(), lr=case["lr"])
    bs = case["batch_size"]
    for epoch in range(case["epochs"]):
        shards = [ind[epoch] for ind in indices]
        for s in range(math.ceil(max(len(sh) for sh in shards) / bs)):
            union = [i for sh in shards for i in sh[s * bs:(s + 1) * bs]]
            x, y = case["X"][union], case["Y"][union]
            opt.zero_grad()
            out = model["fc2"](torch.tanh(model["fc1"](x)))
            torch.nn.functional.mse_loss(out, y).backward()
            opt.step()
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _train(m, seed: int, world_size: int, n: int, sizes: tuple[int, int, int], epochs: int,
           batch_size: int, lr: float, sampler_seed: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    d_in, hidden, d_out = sizes
    state = {"fc1.weight": torch.randn(hidden, d_in, generator=g) * 0.6,
             "fc1.bias": torch.randn(hidden, generator=g) * 0.1,
             "fc2.weight": torch.randn(d_out, hidden, generator=g) * 0.6,
             "fc2.bias": torch.randn(d_out, generator=g) * 0.1}
    x = torch.randn(n, d_in, generator=g)
    y = torch.sin(x @ torch.randn(d_in, d_out, generator=g)) + 0.1 * torch.randn(n, d_out,
                                                                               generator=g)
    case = {"state": state, "X": x, "Y": y, "epochs": epochs, "batch_size": batch_size,
            "lr": lr, "seed": sampler_seed}
    got = _launch(_train_call(m, case), world_size)
    got.update(n=n, world_size=world_size, epochs=epochs)
    indices = [o.get("indices") for o in got["ranks"]]
    ok = (_launch_error(got) is None and all(isinstance(i, list) and len(i) == epochs
                                            for i in indices)
          and all(len({len(i[e]) for i in indices}) == 1 for e in range(epochs)))
    got["single"] = _replay(case, indices) if ok else None
    return got


def _judge_indices(got, ref) -> str | None:
    n, ws, epochs = got["n"], got["world_size"], got["epochs"]
    for r, o in enumerate(got["ranks"]):
        if "indices_bad" in o:
            return (f'rank {r}: "indices" must be a list of lists of Python ints, got '
                    f'{o["indices_bad"]}')
        if len(o["indices"]) != epochs:
            return (f'rank {r}: "indices" has {len(o["indices"])} lists, expected one per epoch '
                    f"({epochs})")
    per_rank = math.ceil(n / ws)
    for r, o in enumerate(got["ranks"]):
        for e, order in enumerate(o["indices"]):
            if len(order) == n and ws > 1:
                return (f"rank {r} trained on all {n} samples in epoch {e}: every rank saw the "
                        f"whole dataset, expected a shard of {per_rank} (DistributedSampler)")
            if len(order) != per_rank:
                return (f"rank {r} trained on {len(order)} samples in epoch {e}, expected "
                        f"ceil({n} / {ws}) = {per_rank}")
    for e in range(epochs):
        shards = [set(o["indices"][e]) for o in got["ranks"]]
        union = set().union(*shards)
        if n % ws == 0 and (len(union) != n or sum(len(s) for s in shards) != n):
            return (f"epoch {e}: the ranks' shards overlap or miss samples ({len(union)} of {n} "
                    "distinct indices): each sample belongs to exactly one rank")
    if epochs > 1:
        for r, o in enumerate(got["ranks"]):
            same = all(order == o["indices"][0] for order in o["indices"])
            ref_same = all(order == ref["ranks"][r]["indices"][0]
                           for order in ref["ranks"][r]["indices"])
            if same and not ref_same:
                return (f"rank {r} visited its samples in the same order in all {epochs} epochs: "
                        "the shuffle must change from epoch to epoch")
    for r, (o, want) in enumerate(zip(got["ranks"], ref["ranks"], strict=True)):
        if o["indices"] != want["indices"]:
            e = next(e for e in range(epochs) if o["indices"][e] != want["indices"][e])
            return (f"rank {r}, epoch {e}: the indices are not the ones of DistributedSampler("
                    "dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=seed) "
                    "after set_epoch(epoch)")
    for r, o in enumerate(got["ranks"]):
        shard = [i for order in o["indices"] for i in order]
        if o["reads"] != shard:
            outside = sorted(set(o["reads"]) - set(shard))
            if outside:
                return (f"rank {r} read samples outside its shard (e.g. index {outside[0]}): "
                        "each rank reads only its own shard")
            return (f"rank {r} read {len(o['reads'])} samples, not the {len(shard)} it reported "
                    "in that order: it must train on exactly the indices it reports, each "
                    "epoch's once, through the loader")
    return None


def _judge_train(got, ref):
    why = _launch_error(got)
    if why:
        return why
    for r, o in enumerate(got["ranks"]):
        if o["type"] != "dict":
            return f"rank {r}: train_worker returned a {o['type']}, expected a dict"
        if o["keys_out"] != ["indices", "state_dict"]:
            return (f"rank {r}: train_worker returned a dict with keys {o['keys_out']}, "
                    'expected exactly "state_dict" and "indices"')
    for r, o in enumerate(got["ranks"]):
        if o["initialized"]:
            return (f"rank {r}: the process group was still initialised after train_worker "
                    "returned: leave it before returning")
    for r, o in enumerate(got["ranks"]):
        keys = o.get("state_keys")
        if keys is None:
            return f'rank {r}: "state_dict" is not a dict'
        if keys != KEYS:
            if any(k.startswith("module.") for k in keys):
                return (f'rank {r}: the state_dict keys carry a "module." prefix ({keys[0]}): '
                        "return the inner model's state_dict, not the wrapper's")
            return f"rank {r}: the state_dict keys are {keys}, expected TinyNet's own {KEYS}"
        if sorted(o["params"]) != KEYS:
            return f"rank {r}: some state_dict values are not tensors"
    why = _judge_indices(got, ref)
    if why:
        return why
    first = got["ranks"][0]["params"]
    for r, o in enumerate(got["ranks"][1:], start=1):
        for k in KEYS:
            if compare(o["params"][k], first[k], **TOL):
                return (f"rank {r} ended with different weights from rank 0 ({k}): the "
                        "gradients were not averaged across the ranks")
    for k in KEYS:
        msg = compare(first[k], ref["single"][k], **TOL)
        if msg:
            return (f"{k} differs from one process taking the same SGD steps on the union of "
                    f"the ranks' batches, starting from model_state: {msg}")
    return None


@probe(public=True, judge=_judge_train)
def two_ranks_two_epochs(m):
    "2 ranks, 16 samples, batch 4, 2 epochs, lr 0.1, sampler seed 0"
    return _train(m, 1, 2, 16, (3, 5, 2), epochs=2, batch_size=4, lr=0.1, sampler_seed=0)


@probe(judge=_judge_train)
def three_epochs_new_order(m):
    "2 ranks, 12 samples, batch 3, 3 epochs, sampler seed 7: a new order every epoch"
    return _train(m, 2, 2, 12, (4, 6, 3), epochs=3, batch_size=3, lr=0.2, sampler_seed=7)


@probe(judge=_judge_train)
def uneven_dataset_partial_batch(m):
    "2 ranks, 13 samples (the sampler pads), batch 3 (a last batch of 1), seed 3, lr 0.05"
    return _train(m, 3, 2, 13, (2, 4, 1), epochs=2, batch_size=3, lr=0.05, sampler_seed=3)


@probe(judge=_judge_train)
def three_ranks(m):
    "3 ranks, 18 samples, batch 2, 2 epochs, sampler seed 11, lr 0.1"
    return _train(m, 4, 3, 18, (3, 4, 2), epochs=2, batch_size=2, lr=0.1, sampler_seed=11)
