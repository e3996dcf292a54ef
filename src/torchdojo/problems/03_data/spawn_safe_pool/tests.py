"""Probes for spawn_safe_pool. square and fill_slice are called directly. The rest needs the
learner's file run as a real script: a spawned worker re-imports the main module from its file,
and the graded module has none. So the file is written to a temp folder and run ONCE per check as
``python pool_script.py`` (cached below, shared by the probes); its JSON line is compared with the
reference's. A sitecustomize.py put on the script's PYTHONPATH is imported by every Python the
script starts; in spawned workers (and only there) it records each call of a function defined in
the script, with its arguments, so the probes see which work ran in spawned processes. Forked
workers never import it: a fork-context pool leaves no record."""

import json
import os
import signal
import subprocess
import sys
import tempfile

import torch

from torchdojo.probes import compare, module_source, probe

SCRIPT = "pool_script.py"
SCRIPT_TIMEOUT_S = 20  # a healthy run takes ~5-8 s: the script and 4 spawned workers import torch

# Imported at start-up by every Python process the script starts (PYTHONPATH). In a spawned
# multiprocessing worker it wraps BaseProcess._bootstrap (called after the worker has re-imported
# the script) with a profile hook that appends "pid name args" for every call of a function whose
# code lives in the script. Parent, resource tracker and forked children record nothing.
_HOOK = r'''
import os, sys
if any("multiprocessing.spawn" in a for a in getattr(sys, "orig_argv", sys.argv)):
    from multiprocessing import process as _process
    _LOG = os.path.join(os.environ["POOL_PROBE_LOG"], "%d.log" % os.getpid())
    _SUFFIX = os.sep + os.environ["POOL_PROBE_SCRIPT"]
    _orig = _process.BaseProcess._bootstrap

    def _hook(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.endswith(_SUFFIX):
            code = frame.f_code
            args = [frame.f_locals.get(v) for v in code.co_varnames[: code.co_argcount]]
            args = [a if isinstance(a, int) else None for a in args]
            with open(_LOG, "a") as f:
                f.write(repr((os.getpid(), code.co_name, args)) + "\n")

    def _bootstrap(self, *a, **k):
        sys.setprofile(_hook)
        try:
            return _orig(self, *a, **k)
        finally:
            sys.setprofile(None)

    _process.BaseProcess._bootstrap = _bootstrap
'''

_RUNS: dict[str, dict] = {}  # module source -> the observations of its one run


def _read_calls(log_dir: str) -> list:
    import ast

    calls = []
    for name in sorted(os.listdir(log_dir)):
        with open(os.path.join(log_dir, name)) as f:
            calls += [ast.literal_eval(line) for line in f if line.strip()]
    return [list(c) for c in calls]


def _run_script(m) -> dict:
    """Run the learner's file as ``python pool_script.py`` once; cache what came out."""
    source = module_source(m)
    if source in _RUNS:
        return _RUNS[source]
    root = tempfile.mkdtemp()
    hook_dir, log_dir = os.path.join(root, "hook"), os.path.join(root, "log")
    os.makedirs(hook_dir)
    os.makedirs(log_dir)
    with open(os.path.join(hook_dir, "sitecustomize.py"), "w") as f:
        f.write(_HOOK)
    path = os.path.join(root, SCRIPT)
    with open(path, "w") as f:
        f.write(source)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": root, "TMPDIR": root,
           "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": hook_dir, "POOL_PROBE_LOG": log_dir, "POOL_PROBE_SCRIPT": SCRIPT}
    proc = subprocess.Popen([sys.executable, path], cwd=root, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=SCRIPT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    try:  # workers the script left behind
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    lines = [ln for ln in out.decode(errors="replace").splitlines() if ln.strip()]
    try:
        result = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        result = None
    err_lines = [ln for ln in err.decode(errors="replace").splitlines() if ln.strip()]
    _RUNS[source] = {"rc": proc.returncode, "timed_out": timed_out,
                     "result": result if isinstance(result, dict) else None,
                     "stdout_tail": lines[-3:], "stderr_tail": err_lines[-6:],
                     "calls": _read_calls(log_dir)}
    return _RUNS[source]


def _script_failed(got) -> str | None:
    """Why the script run gave nothing to judge, or None."""
    tail = " | ".join(got["stderr_tail"][-3:])
    if got["timed_out"]:
        return (f"`python {SCRIPT}` did not finish within {SCRIPT_TIMEOUT_S} s (a pool waiting "
                f"for workers that died?); stderr ends with: {tail or '(nothing)'}")
    if got["rc"] != 0:
        return f"`python {SCRIPT}` exited with code {got['rc']}; stderr ends with: {tail}"
    if got["result"] is None:
        return (f"`python {SCRIPT}` printed no JSON object as its last line of output "
                f"(last lines: {got['stdout_tail']})")
    return None


# -- in-process probes -------------------------------------------------------------------------

@probe(public=True)
def square_values(m):
    "square on a few ints, negative and zero included"
    return [m.square(x) for x in (-7, -1, 0, 2, 13)]


@probe
def fill_slice_in_place(m):
    "fill_slice writes i * i into buf[lo:hi] of the tensor it is given, and nothing else"
    buf = torch.full((9,), -1.0)
    m.fill_slice(buf, 2, 6)
    other = torch.zeros(5)
    m.fill_slice(other, 0, 5)
    return {"buf": buf, "other": other}


# -- the script, run once -----------------------------------------------------------------------

def _runs_judge(got, ref):
    return _script_failed(got)


@probe(public=True, judge=_runs_judge)
def script_runs(m):
    "`python pool_script.py` (spawn workers re-import it) exits with code 0 and prints one JSON line"
    return _run_script(m)


def _squares_judge(got, ref):
    why = _script_failed(got)
    if why:
        return why
    squares, want = got["result"].get("squares"), ref["result"]["squares"]
    if not isinstance(squares, list) or sorted(map(str, squares)) != sorted(map(str, want)):
        return f'"squares" is {squares}, expected the squares of ITEMS: {want}'
    if squares != want:
        return f'"squares" is {squares}: the right values in the wrong order, expected {want}'
    return None


@probe(public=True, judge=_squares_judge)
def squares_in_order(m):
    'the script\'s "squares": parallel_map(square, ITEMS, 2), in the order of ITEMS'
    return _run_script(m)


def _fill_judge(got, ref):
    why = _script_failed(got)
    if why:
        return why
    filled, want = got["result"].get("filled"), ref["result"]["filled"]
    if not isinstance(filled, list) or len(filled) != len(want):
        return f'"filled" is {filled!r:.80}, expected a list of {len(want)} numbers'
    if all(v == 0 for v in filled):
        return ('"filled" is all zeros: the parent never saw the workers\' writes (did they '
                "write into the very tensor the parent holds, in shared memory?)")
    return compare(torch.tensor(filled), torch.tensor(want), path='"filled"')


@probe(judge=_fill_judge)
def shared_fill_visible(m):
    'the script\'s "filled": fill_shared(12, 2) as seen by the parent, t[i] == i * i'
    return _run_script(m)


def _spawned(calls, name):
    return [(pid, args) for pid, fn, args in calls if fn == name]


def _pool_judge(got, ref):
    why = _script_failed(got)
    if why:
        return why
    if not got["calls"]:
        return ("no spawned worker process ran any function of the script: the work must be "
                "done by workers started with the 'spawn' start method (a 'fork' pool, or no "
                "pool at all, does not count)")
    calls = _spawned(got["calls"], "square")
    if any(len(a) != 1 or not isinstance(a[0], int) for _, a in calls):
        return "square must be called with one Python int at a time"
    xs = sorted(a[0] for _, a in calls)
    want = sorted(a[0] for _, a in _spawned(ref["calls"], "square"))
    if xs != want:
        return (f"square ran {len(calls)} times in spawned workers, on {xs}; expected once per "
                f"item of ITEMS, {want}, all in the pool's workers")
    return None


@probe(judge=_pool_judge)
def map_ran_in_spawned_workers(m):
    "square was called once per item of ITEMS inside spawned worker processes"
    return _run_script(m)


def _fill_workers_judge(got, ref):
    why = _script_failed(got)
    if why:
        return why
    calls = _spawned(got["calls"], "fill_slice")
    n = len(ref["result"]["filled"])
    if not calls:
        return ("fill_slice never ran in a spawned worker process: fill_shared must hand the "
                "blocks to spawned workers, each calling fill_slice on the shared tensor")
    if any(len(a) != 3 or not isinstance(a[1], int) or not isinstance(a[2], int)
           for _, a in calls):
        return "fill_slice must be called as fill_slice(buf, lo, hi) with Python ints lo and hi"
    blocks = sorted((a[1], a[2]) for _, a in calls)
    if len(blocks) != 2:
        return (f"fill_slice ran {len(blocks)} times in spawned processes, on blocks {blocks}; "
                "expected two calls, one block per worker")
    covered = [i for lo, hi in blocks for i in range(lo, hi)]
    if covered != list(range(n)):
        return (f"the blocks given to fill_slice were {blocks}; expected two contiguous blocks "
                f"that cover 0..{n - 1} exactly once")
    return None


@probe(judge=_fill_workers_judge)
def fill_ran_in_spawned_workers(m):
    "fill_shared(12, 2): fill_slice ran in spawned processes, on two blocks covering 0..11"
    return _run_script(m)
