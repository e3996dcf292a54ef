"""Probes for deploy_without_class. The models are defined in a module `deploy_zoo` that exists
only in the probe's process (built from a string, never written to disk), and are handed to the
learner in TRAIN mode with batch-norm statistics already moved away from their defaults. The
learner's file is written to a temp folder as deploy_api.py and imported ONCE per check by a
fresh Python (a real subprocess) that never sees deploy_zoo: it calls load_and_run on the .pt2
the learner exported here. Outputs are compared with the reference's same calls."""

import os
import signal
import subprocess
import sys
import tempfile
import types

import torch

from torchdojo.probes import module_source, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}
ZOO = "deploy_zoo"
RUN_TIMEOUT_S = 75  # a fresh Python importing torch and loading one .pt2: ~20 s at load 6

_ZOO_SOURCE = '''
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 12)
        self.bn = nn.BatchNorm1d(12)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        return self.fc2(self.drop(torch.relu(self.bn(self.fc1(x)))))


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 4, kernel_size=3, padding=1)
        self.bn = nn.BatchNorm1d(4)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(4, 2)

    def forward(self, signal):
        h = torch.relu(self.bn(self.conv(signal)))  # (B, 4, L)
        return self.head(self.drop(h.mean(dim=2)))  # (B, 2)
'''

_DRIVER = r'''
import sys
import torch

out_path, data_path = sys.argv[1], sys.argv[2]
obs = {"error": None}
try:
    import deploy_api
    data = torch.load(data_path, weights_only=True)
    for name, x in data["inputs"].items():
        y = deploy_api.load_and_run(data["path"], x)
        if isinstance(y, torch.Tensor):
            obs[name] = y.detach().clone()
            obs[name + "_requires_grad"] = bool(y.requires_grad)
        else:
            obs[name] = "returned " + type(y).__name__
except Exception as exc:
    msg = str(exc).strip().splitlines()
    obs["error"] = type(exc).__name__ + (": " + msg[0][:160] if msg else "")
obs["model_module_imported"] = "deploy_zoo" in sys.modules
torch.save(obs, out_path)
'''


def _zoo():
    """The models' module: in sys.modules of this process only (so pickling works here)."""
    if ZOO not in sys.modules:
        mod = types.ModuleType(ZOO)
        exec(compile(_ZOO_SOURCE, "<deploy_zoo>", "exec"), mod.__dict__)
        sys.modules[ZOO] = mod
    return sys.modules[ZOO]


def _trained(model, shape, seed):
    """Seeded weights, batch-norm running stats moved by a few train-mode passes; train mode."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn(*shape, generator=g) * 2 + 1)
    return model.train()


def _run(f, *args):
    try:
        out = f(*args)
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        return f"raised {type(exc).__name__}"
    if not isinstance(out, torch.Tensor):
        return f"returned {type(out).__name__}"
    return out


def _out(y):
    return y.detach().clone() if isinstance(y, torch.Tensor) else y


_CACHE: dict = {}


def _exported(m) -> dict:
    """The learner's export_for_deployment on the seeded Net, once per check."""
    if "net" not in _CACHE:
        torch.manual_seed(0)
        model = _trained(_zoo().Net(), (16, 6), 1)
        before = {k: v.clone() for k, v in model.state_dict().items()}
        example = torch.randn(4, 6, generator=torch.Generator().manual_seed(2))
        root = tempfile.mkdtemp()
        path = os.path.join(root, "model.pt2")
        m.export_for_deployment(model, example, path)
        _CACHE["net"] = {"root": root, "path": path, "model": model, "before": before}
    return _CACHE["net"]


def _inputs() -> dict:
    g = torch.Generator().manual_seed(3)
    return {"batch_1": torch.randn(1, 6, generator=g), "batch_5": torch.randn(5, 6, generator=g)}


@probe(public=True, **TOL)
def roundtrip_in_process(m):
    "export_for_deployment of a seeded Net (train mode, example batch 4), load_and_run on batches 1 and 5"
    run = _exported(m)
    return {k: _out(_run(m.load_and_run, run["path"], x)) for k, x in _inputs().items()}


def _fresh_process(m) -> dict:
    """load_and_run in a fresh Python that imports deploy_api.py but not the models' module."""
    run = _exported(m)
    if "fresh" in run:
        return run["fresh"]
    root = tempfile.mkdtemp()
    with open(os.path.join(root, "deploy_api.py"), "w") as f:
        f.write(module_source(m))
    with open(os.path.join(root, "drive.py"), "w") as f:
        f.write(_DRIVER)
    data, out = os.path.join(root, "data.pt"), os.path.join(root, "out.pt")
    torch.save({"path": run["path"], "inputs": _inputs()}, data)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": root, "TMPDIR": root,
           "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "drive.py", out, data], cwd=root, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        _, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    try:
        obs = torch.load(out, weights_only=True) if os.path.isfile(out) else None
    except Exception:  # noqa: BLE001
        obs = None
    if not isinstance(obs, dict):
        tail = [ln for ln in err.decode(errors="replace").splitlines() if ln.strip()][-2:]
        obs = {"error": f"the fresh process gave no result (exit code {proc.returncode}"
                        f"{', timed out' if timed_out else ''}): {' | '.join(tail)[:200]}"}
    run["fresh"] = obs
    return obs


@probe(public=True, **TOL)
def runs_in_fresh_process(m):
    "a fresh Python imports only torch and your file, and load_and_run's the .pt2 on batches 1 and 5"
    obs = _fresh_process(m)
    return {k: obs.get(k) for k in ("error", "batch_1", "batch_5")}


@probe
def fresh_process_never_needs_the_class(m):
    "in that fresh process: the models' module was never imported, outputs carry no autograd history"
    obs = _fresh_process(m)
    return {k: obs.get(k) for k in ("error", "model_module_imported", "batch_1_requires_grad",
                                    "batch_5_requires_grad")}


@probe
def caller_model_unchanged(m):
    "after export_for_deployment the caller's model is in the mode it was in, its weights and buffers unchanged"
    run = _exported(m)
    model = run["model"]
    state = model.state_dict()
    return {"modes": [mod.training for mod in model.modules()],
            "changed": sorted(k for k, v in run["before"].items()
                              if k not in state or not torch.equal(state[k], v))}


@probe(**TOL)
def file_is_an_exported_program(m):
    "the .pt2 read back with torch.export.load by the test: its kind, symbolic input dims, an output"
    run = _exported(m)
    try:
        program = torch.export.load(run["path"])
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        return {"load": f"torch.export.load raised {type(exc).__name__}"}
    obs = {"load": None, "kind": type(program).__name__}
    if not isinstance(program, torch.export.ExportedProgram):
        return obs
    names = list(program.graph_signature.user_inputs)
    nodes = {n.name: n for n in program.graph.nodes if n.op == "placeholder"}
    val = nodes[names[0]].meta.get("val") if names and names[0] in nodes else None
    obs["symbolic_dims"] = ([isinstance(d, torch.SymInt) for d in val.shape]
                            if isinstance(val, torch.Tensor) else None)
    with torch.no_grad():
        obs["batch_3"] = _out(_run(program.module(), torch.randn(3, 6)))
    return obs


@probe
def output_has_no_history(m):
    "load_and_run's output: requires_grad and grad_fn, and whether the input was left as it was"
    run = _exported(m)
    x = torch.randn(2, 6)
    x_before = x.clone()
    y = m.load_and_run(run["path"], x)
    if not isinstance(y, torch.Tensor):
        return f"returned {type(y).__name__}"
    return {"requires_grad": y.requires_grad, "has_grad_fn": y.grad_fn is not None,
            "input_unchanged": torch.equal(x, x_before)}


@probe(**TOL)
def other_model(m):
    "a seeded Conv1d + BatchNorm model on (B, 2, 7), forward argument not named x; batches 1 and 6"
    torch.manual_seed(0)
    model = _trained(_zoo().ConvNet(), (8, 2, 7), 4)
    g = torch.Generator().manual_seed(5)
    example, x1, x6 = (torch.randn(b, 2, 7, generator=g) for b in (3, 1, 6))
    path = os.path.join(tempfile.mkdtemp(), "conv.pt2")
    m.export_for_deployment(model, example, path)
    return {"batch_1": _out(_run(m.load_and_run, path, x1)),
            "batch_6": _out(_run(m.load_and_run, path, x6)),
            "training": model.training}
