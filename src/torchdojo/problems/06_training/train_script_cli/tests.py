"""Probes for train_script_cli. The learner's file is written to a temp folder as train_script.py
and run ONCE per check as a real program (`python train_script.py train ...` in a fresh Python,
in an empty working folder; cached below and shared by the probes). Its other command lines
(`test` on that checkpoint, bad arguments, missing files, --help) are run in the probe's own
process with runpy as `__main__`, with sys.argv set, stdout/stderr captured, and SystemExit
turned into an exit code the way the interpreter does it (an uncaught exception: its traceback
on stderr and code 1). `main([...])` is also called directly with the defaults and other flags.
Every dataset is written by the probe from its own generator; the numbers (losses, accuracy,
the state_dict) are compared with the reference's same run."""

import contextlib
import io
import json
import os
import runpy
import signal
import subprocess
import sys
import tempfile
import traceback

import torch
from torch import nn

from torchdojo.probes import compare, module_source, probe

SCRIPT = "train_script.py"
RUN_TIMEOUT_S = 45  # one fresh Python importing torch and training for a few ms: ~3-10 s loaded
TOL = {"rtol": 1e-5, "atol": 1e-6}
REAL_FLAGS = ["--epochs", "3", "--lr", "0.05", "--batch-size", "16", "--hidden", "12",
              "--seed", "7", "--out", os.path.join("out", "run1")]
TRAIN_FLAGS = {"--data": None, "--epochs": "5", "--lr": "0.1", "--batch-size": "32",
               "--hidden": "16", "--seed": "0", "--out": "runs"}  # flag -> default shown


class _Net(nn.Module):
    """The architecture the statement fixes, to load the learner's checkpoint into."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(hidden, num_classes)


def _write_data(path: str, seed: int, n_train: int, n_test: int, feats: int, classes: int):
    """A seeded classification set from a random linear teacher plus noise."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(feats, classes, generator=g)
    x = torch.randn(n_train + n_test, feats, generator=g)
    y = (x @ w + 0.7 * torch.randn(n_train + n_test, classes, generator=g)).argmax(dim=1)
    torch.save({"x_train": x[:n_train].clone(), "y_train": y[:n_train].clone(),
                "x_test": x[n_train:].clone(), "y_test": y[n_train:].clone(),
                "num_classes": classes}, path)
    return path


def _files(root: str) -> list[str]:
    """Every file under root, as sorted relative paths."""
    found = []
    for base, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.relpath(os.path.join(base, n), root) for n in names]
    return sorted(found)


def _read_outputs(out_dir: str, feats: int, classes: int) -> dict:
    """metrics.json and model.pt from a run: parsed, loaded with weights_only=True and strictly."""
    obs: dict = {"metrics": None, "metrics_error": None, "state": None, "ckpt_error": None,
                 "strict_error": None}
    path = os.path.join(out_dir, "metrics.json")
    if not os.path.isfile(path):
        obs["metrics_error"] = "missing"
    else:
        try:
            with open(path) as f:
                obs["metrics"] = _plain_json(json.load(f))
        except (OSError, ValueError) as exc:
            obs["metrics_error"] = f"not valid JSON ({type(exc).__name__})"
    path = os.path.join(out_dir, "model.pt")
    if not os.path.isfile(path):
        obs["ckpt_error"] = "missing"
        return obs
    try:
        state = torch.load(path, weights_only=True)
    except Exception as exc:  # noqa: BLE001 - the failure is the observation
        obs["ckpt_error"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:120]}"
        return obs
    if not isinstance(state, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        obs["ckpt_error"] = f"holds a {type(state).__name__}, not a dict of tensors"
        return obs
    obs["state"] = {k: v.detach().clone() for k, v in state.items()}
    try:
        hidden = state["fc1.weight"].shape[0] if "fc1.weight" in state else 1
        _Net(feats, hidden, classes).load_state_dict(state, strict=True)
    except Exception as exc:  # noqa: BLE001
        obs["strict_error"] = str(exc).strip().replace("\n", " ")[:200]
    return obs


def _plain_json(x):
    """JSON data with only str keys, lists, floats/ints/str/bool/None (no giant structures)."""
    if isinstance(x, dict):
        return {str(k): _plain_json(v) for k, v in list(x.items())[:50]}
    if isinstance(x, list):
        return [_plain_json(v) for v in x[:1000]]
    return x if isinstance(x, bool | int | float | str) or x is None else repr(x)[:60]


def _tail(text: str, n: int = 8) -> list[str]:
    return [ln[:300] for ln in text.splitlines() if ln.strip()][-n:]


_RUNS: dict[str, dict] = {}  # module source -> the observations of its runs


def _setup(m) -> dict:
    """The script and the data written to a fresh temp folder, once per source."""
    source = module_source(m)
    if source not in _RUNS:
        root = tempfile.mkdtemp()
        script = os.path.join(root, SCRIPT)
        with open(script, "w") as f:
            f.write(source)
        data = _write_data(os.path.join(root, "data.pt"), 11, 120, 60, 5, 3)
        _RUNS[source] = {"root": root, "script": script, "data": data}
    return _RUNS[source]


def _real_run(m) -> dict:
    """`python train_script.py train --data ... <REAL_FLAGS>` in a fresh Python, once."""
    run = _setup(m)
    if "real" in run:
        return run["real"]
    work = os.path.join(run["root"], "work")  # an empty working folder
    os.makedirs(work)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": run["root"],
           "TMPDIR": run["root"], "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    argv = [sys.executable, run["script"], "train", "--data", run["data"], *REAL_FLAGS]
    proc = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    with contextlib.suppress(ProcessLookupError):  # anything the script left behind
        os.killpg(proc.pid, signal.SIGKILL)
    err = err.decode(errors="replace")
    out_dir = os.path.join(work, "out", "run1")
    run["ckpt"] = os.path.join(out_dir, "model.pt")
    run["real"] = {"rc": proc.returncode, "timed_out": timed_out,
                   "traceback": "Traceback" in err, "stderr_tail": _tail(err),
                   "stdout_tail": _tail(out.decode(errors="replace"), 3),
                   "files": _files(work), **_read_outputs(out_dir, 5, 3)}
    return run["real"]


def _exit_code(code, err) -> int:
    """What the interpreter makes of SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    print(code, file=err)
    return 1


def _as_main(script: str, argv: list[str], cwd: str) -> dict:
    """Run the file as __main__ in this process with sys.argv = [script, *argv]."""
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_cwd = sys.argv, os.getcwd()
    sys.argv = [script, *argv]
    os.chdir(cwd)
    rc = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_path(script, run_name="__main__")
            except SystemExit as exc:
                rc = _exit_code(exc.code, err)
            except Exception:  # noqa: BLE001 - an uncaught exception: traceback, exit 1
                traceback.print_exc(file=err)
                rc = 1
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    return {"rc": rc, "stdout": out.getvalue()[-4000:], "stderr": err.getvalue()[-4000:]}


def _phases(m) -> dict:
    """The other command lines, each run as __main__ once per source."""
    _real_run(m)  # for the checkpoint
    run = _setup(m)
    if "phases" in run:
        return run["phases"]
    work = tempfile.mkdtemp()
    data, out = run["data"], os.path.join(work, "out")
    missing_data = os.path.join(run["root"], "no_such_data.pt")
    missing_ckpt = os.path.join(run["root"], "no_such_model.pt")
    lines = {
        "test": ["test", "--data", data, "--checkpoint", run["ckpt"]],
        "bad_int": ["train", "--data", data, "--epochs", "three", "--out", out],
        "no_command": [],
        "unknown_flag": ["train", "--data", data, "--momentum", "0.5", "--out", out],
        "missing_required": ["test", "--data", data],
        "missing_data": ["train", "--data", missing_data, "--epochs", "1", "--out", out],
        "missing_ckpt": ["test", "--data", data, "--checkpoint", missing_ckpt],
        "help": ["--help"],
        "help_train": ["train", "--help"],
        "help_test": ["test", "--help"],
    }
    run["phases"] = {k: _as_main(run["script"], v, work) for k, v in lines.items()}
    run["phases"]["files_after_missing"] = _files(work)
    return run["phases"]


# -- the real run ------------------------------------------------------------------------------

def _real_failed(got) -> str | None:
    """Why the real run gave nothing to judge, or None."""
    tail = " | ".join(got["stderr_tail"][-3:]) or "(nothing)"
    if got["timed_out"]:
        return f"`python {SCRIPT} train ...` did not finish within {RUN_TIMEOUT_S} s"
    if got["rc"] != 0:
        return (f"`python {SCRIPT} train ...` exited with code {got['rc']}, expected 0; "
                f"stderr ends with: {tail}")
    if got["traceback"]:
        return f"`python {SCRIPT} train ...` printed a traceback: {tail}"
    return None


def _trains_judge(got, ref):
    why = _real_failed(got)
    if why:
        return why
    return _files_msg(got["files"], ref["files"], os.path.join("out", "run1"), "train")


def _files_msg(files: list[str], want: list[str], out: str, what: str) -> str | None:
    """Every file written lies under --out, model.pt and metrics.json among them."""
    outside = [f for f in files if not f.startswith(out + os.sep)]
    if outside:
        return (f"{what} wrote {outside} outside --out ({out}); everything it writes belongs "
                "under --out")
    missing = [f for f in want if f not in files]
    if missing:
        return f"{what} with --out {out} did not write {missing}"
    return None


@probe(public=True, judge=_trains_judge)
def script_trains(m):
    "`python train_script.py train ...` (non-default flags, a nested --out) exits 0, files only there"
    return _real_run(m)


def _metrics_msg(got, ref, where: str) -> str | None:
    """Compare a run's metrics.json with the reference's."""
    if got["metrics_error"]:
        return f"{where}: metrics.json in --out is {got['metrics_error']}"
    mt, want = got["metrics"], ref["metrics"]
    if not isinstance(mt, dict):
        return f"{where}: metrics.json holds a {type(mt).__name__}, expected a JSON object"
    losses = mt.get("train_loss")
    if not isinstance(losses, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in losses):
        return f'{where}: metrics.json "train_loss" is {losses!r:.80}, expected a list of floats'
    if len(losses) != len(want["train_loss"]):
        return (f'{where}: "train_loss" has {len(losses)} entries, expected one per epoch '
                f"({len(want['train_loss'])})")
    msg = compare(torch.tensor(losses, dtype=torch.float64),
                  torch.tensor(want["train_loss"], dtype=torch.float64), **TOL)
    if msg:
        return f'{where}: "train_loss" differs from the reference\'s seeded run: {msg}'
    acc = mt.get("test_accuracy")
    if not isinstance(acc, int | float) or isinstance(acc, bool):
        return f'{where}: metrics.json "test_accuracy" is {acc!r:.40}, expected a float'
    if abs(acc - want["test_accuracy"]) > 1e-6:
        return (f'{where}: "test_accuracy" is {acc}, the reference\'s same run gives '
                f"{want['test_accuracy']} (eval mode, argmax == label, on the test split)")
    return None


def _ckpt_msg(got, ref, where: str) -> str | None:
    """Compare a run's model.pt with the reference's."""
    if got["ckpt_error"]:
        return (f"{where}: model.pt in --out could not be read with torch.load(..., "
                f"weights_only=True): {got['ckpt_error']}")
    if sorted(got["state"]) != sorted(ref["state"]):
        return f"{where}: model.pt holds keys {sorted(got['state'])}, expected {sorted(ref['state'])}"
    if got["strict_error"]:
        return f"{where}: model.pt does not load strictly into Net: {got['strict_error']}"
    for k, r in ref["state"].items():
        msg = compare(got["state"][k], r, **TOL)
        if msg:
            return f"{where}: {k} in model.pt differs from the reference's seeded run: {msg}"
    return None


def _script_metrics_judge(got, ref):
    return _real_failed(got) or _metrics_msg(got, ref, "python train_script.py train")


@probe(judge=_script_metrics_judge)
def script_metrics(m):
    "the real run's metrics.json: per-epoch train loss and test accuracy of the seeded run"
    return _real_run(m)


def _script_ckpt_judge(got, ref):
    return _real_failed(got) or _ckpt_msg(got, ref, "python train_script.py train")


@probe(judge=_script_ckpt_judge)
def script_checkpoint(m):
    "the real run's model.pt: a state_dict that loads with weights_only=True, strictly into Net"
    return _real_run(m)


# -- the other command lines, as __main__ -------------------------------------------------------

def _last_json(stdout: str):
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    try:
        return json.loads(lines[-1]) if lines else None
    except ValueError:
        return None


def _test_judge(got, ref):
    why = _real_failed(got["real"])
    if why:
        return why
    if got["rc"] != 0:
        return (f"`test` exited with code {got['rc']}, expected 0; stderr ends with: "
                f"{' | '.join(got['stderr_tail']) or '(nothing)'}")
    js = got["json"]
    acc = js.get("accuracy") if isinstance(js, dict) else None
    if not isinstance(acc, int | float) or isinstance(acc, bool):
        return ('`test` must print {"accuracy": <float>} as its last line of stdout; the last '
                f"lines were {got['stdout_tail']}")
    want = ref["json"]["accuracy"]
    if abs(acc - want) > 1e-6:
        return (f"`test` reports accuracy {acc}; the checkpoint's accuracy on the test split "
                f"(eval mode, no dropout) is {want}")
    return None


@probe(judge=_test_judge)
def script_test_command(m):
    "`test --data ... --checkpoint <the real run's model.pt>`: exit 0, a JSON accuracy line"
    p = _phases(m)["test"]
    return {"real": _real_run(m), "rc": p["rc"], "json": _plain_json(_last_json(p["stdout"])),
            "stderr_tail": _tail(p["stderr"], 3), "stdout_tail": _tail(p["stdout"], 2)}




def _codes_judge(got, ref):
    for name, (rc, tb) in got.items():
        want = ref[name][0]
        if tb:
            return f"{name}: the script printed a traceback; argparse errors exit with code 2"
        if rc != want:
            return f"{name}: exit code {rc}, expected {want} (argparse's usage error)"
    return None


@probe(judge=_codes_judge)
def bad_arguments(m):
    "no subcommand, an unknown flag, a missing required flag, `--epochs three`: exit code 2"
    p = _phases(m)
    return {what: (p[k]["rc"], "Traceback" in p[k]["stderr"]) for k, what in (
        ("no_command", "no subcommand"), ("unknown_flag", "train --momentum 0.5"),
        ("missing_required", "test without --checkpoint"), ("bad_int", "train --epochs three"))}


def _missing_judge(got, ref):
    what = got["what"]
    if got["rc"] != 1:
        return f"{what}: exit code {got['rc']}, expected 1"
    if got["traceback"]:
        return f"{what}: stderr holds a traceback; expected one clear line naming the file"
    if len(got["stderr"]) != 1:
        return (f"{what}: expected exactly one line on stderr, got {len(got['stderr'])}: "
                f"{got['stderr'][:3]}")
    if not got["names_file"]:
        return f"{what}: the error line {got['stderr'][0]!r:.120} does not name the missing file"
    if got["model_written"]:
        return f"{what}: a model.pt was written although the data file is missing"
    return None


def _missing(m, key: str, name: str, what: str) -> dict:
    p = _phases(m)
    ph = p[key]
    err = [ln for ln in ph["stderr"].splitlines() if ln.strip()]
    return {"what": what, "rc": ph["rc"], "traceback": "Traceback" in ph["stderr"],
            "stderr": [ln[:200] for ln in err[:5]], "names_file": any(name in ln for ln in err),
            "model_written": any(f.endswith("model.pt") for f in p["files_after_missing"])}


@probe(judge=_missing_judge)
def missing_data_file(m):
    "`train --data <a file that does not exist>`: exit 1 with one error line, no traceback"
    return _missing(m, "missing_data", "no_such_data.pt", "train with a missing --data file")


@probe(judge=_missing_judge)
def missing_checkpoint(m):
    "`test --checkpoint <a file that does not exist>`: exit 1 with one error line, no traceback"
    return _missing(m, "missing_ckpt", "no_such_model.pt", "test with a missing --checkpoint")


def _option_blocks(text: str) -> dict[str, str]:
    """--help text cut into one block per option: the line starting with it and its
    continuation lines (argparse puts a long option's help on the next line)."""
    blocks: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("-"):
            current = s.split()[0].rstrip(",")
            for part in s.split(", "):  # "-h, --help"
                blocks.setdefault(part.split()[0], "")
            blocks[current] = s
        elif current and line.startswith("    ") and s:
            blocks[current] += " " + s
        else:
            current = None
    return blocks


def _help_judge(got, ref):
    for key in ("help", "help_train", "help_test"):
        rc = got[key]["rc"]
        if rc != 0:
            return f"`{got[key]['cmd']}` exited with code {rc}, expected 0"
    top = got["help"]["stdout"]
    for cmd in ("train", "test"):
        if cmd not in top:
            return f"`--help` does not mention the subcommand {cmd!r}"
    blocks = _option_blocks(got["help_train"]["stdout"])
    for flag, default in TRAIN_FLAGS.items():
        if flag not in blocks:
            return f"`train --help` does not list {flag}"
        if default is not None and default not in blocks[flag].split(flag, 1)[-1]:
            return (f"`train --help` does not show the default of {flag} "
                    f"(its help reads {blocks[flag]!r:.100})")
    blocks = _option_blocks(got["help_test"]["stdout"])
    for flag in ("--data", "--checkpoint"):
        if flag not in blocks:
            return f"`test --help` does not list {flag}"
    return None


@probe(judge=_help_judge)
def help_shows_defaults(m):
    "`--help`, `train --help`, `test --help`: exit 0, every option listed with its default"
    p = _phases(m)
    return {k: {"cmd": c, "rc": p[k]["rc"], "stdout": p[k]["stdout"]} for k, c in (
        ("help", "--help"), ("help_train", "train --help"), ("help_test", "test --help"))}


# -- main([...]) called directly ---------------------------------------------------------------

def _call(m, argv: list[str], cwd: str) -> dict:
    """m.main(argv) with cwd as the working folder and its output captured."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = m.main(argv)
            except SystemExit as exc:
                rc = ("SystemExit", _exit_code(exc.code, err))
    finally:
        os.chdir(old)
    return {"rc": rc if isinstance(rc, int) and not isinstance(rc, bool) else repr(rc)[:40],
            "rc_type": type(rc).__name__, "stdout": out.getvalue()[-2000:],
            "stderr_tail": _tail(err.getvalue(), 3)}


def _train_in_process(m, seed: int, flags: list[str], out_rel: str) -> dict:
    root = tempfile.mkdtemp()
    data = _write_data(os.path.join(root, "data.pt"), seed, 90, 40, 4, 4)
    work = os.path.join(root, "work")
    os.makedirs(work)
    call = _call(m, ["train", "--data", data, *flags, "--out", out_rel], work)
    return {"call": call, "files": _files(work), "work": work, "data": data, "out": out_rel,
            **_read_outputs(os.path.join(work, out_rel), 4, 4)}


def _in_process_judge(got, ref):
    call = got["call"]
    if call["rc_type"] != "int" or call["rc"] != 0:
        return (f"main([...train...]) returned {call['rc']} ({call['rc_type']}); expected the "
                f"int 0; stderr ends with: {' | '.join(call['stderr_tail']) or '(nothing)'}")
    why = _files_msg(got["files"], ref["files"], got["out"], "main([...train...])")
    if why:
        return why
    return (_metrics_msg(got, ref, "main([...])") or _ckpt_msg(got, ref, "main([...])"))


@probe(public=True, judge=_in_process_judge)
def main_defaults(m):
    "main(['train', '--data', D, '--out', 'res']): every other flag at its default"
    obs = _train_in_process(m, 21, [], "res")
    return {k: v for k, v in obs.items() if k not in ("work", "data")}


@probe(judge=_in_process_judge)
def main_other_flags(m):
    "main([...]) with every flag set to a non-default value and a nested --out"
    flags = ["--epochs", "2", "--lr", "0.2", "--batch-size", "10", "--hidden", "8",
             "--seed", "3"]
    obs = _train_in_process(m, 22, flags, os.path.join("a", "b"))
    return {k: v for k, v in obs.items() if k not in ("work", "data")}


def _test_twice_judge(got, ref):
    why = _in_process_judge(got["train"], ref["train"])
    if why:
        return why
    for i, (call, want) in enumerate(zip(got["tests"], ref["tests"], strict=True)):
        if call["rc_type"] != "int" or call["rc"] != 0:
            return f"main(['test', ...]) call {i + 1} returned {call['rc']}, expected the int 0"
        acc = call["json"].get("accuracy") if isinstance(call["json"], dict) else None
        if not isinstance(acc, int | float) or isinstance(acc, bool):
            return 'main(["test", ...]) must print {"accuracy": <float>} as its last stdout line'
        if abs(acc - want["json"]["accuracy"]) > 1e-6:
            return (f"main(['test', ...]) call {i + 1} reports accuracy {acc}, expected "
                    f"{want['json']['accuracy']}: the same checkpoint must always score the same")
    return None


@probe(judge=_test_twice_judge)
def main_test_twice(m):
    "main(['test', ...]) twice on a fresh checkpoint: the same accuracy, from eval mode"
    obs = _train_in_process(m, 23, ["--epochs", "2", "--seed", "5"], "r")
    tests = []
    for _ in range(2):
        call = _call(m, ["test", "--data", obs["data"], "--checkpoint",
                         os.path.join("r", "model.pt")], obs["work"])
        call["json"] = _plain_json(_last_json(call.pop("stdout")))
        tests.append(call)
    return {"train": {k: v for k, v in obs.items() if k not in ("work", "data")},
            "tests": tests}


@probe(rtol=1e-6, atol=1e-6)
def net_architecture(m):
    "Net(5, 7, 3): parameter names and shapes, and the eval-mode output on fixed weights"
    g = torch.Generator().manual_seed(31)
    net = m.Net(5, 7, 3)
    shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}
    net.load_state_dict({k: torch.randn(v.shape, generator=g) for k, v in
                         _Net(5, 7, 3).state_dict().items()}, strict=True)
    net.eval()
    x = torch.randn(4, 5, generator=g)
    with torch.no_grad():
        out = net(x)
    return {"shapes": shapes, "out": out}
