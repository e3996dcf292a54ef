"""Probes for spawn_safe_pool. square and fill_slice are called directly. The rest needs the
learner's file run as a real script: a spawned worker re-imports the main module from its file,
and the graded module has none. So the file is written to a temp folder as pool_script.py and a
small driver runs it ONCE per check (cached below, shared by the probes): first exactly as
``python pool_script.py`` would (runpy, as __main__; its JSON line is compared with the
reference's), then, imported as a module, a few more calls with other arguments: a pool of 3 on
a function whose first item is slow, a fill of 10 by 3 workers, and a fill where one worker
fails. A sitecustomize.py on the driver's PYTHONPATH is imported by every Python it starts; in
spawned workers (and only there) it records each call of a function defined in the script,
with its arguments and the phase of the run, so the probes see which work
ran in spawned processes. Forked workers never import it: a fork-context pool leaves no record."""

import json
import os
import signal
import subprocess
import sys
import tempfile

import torch

from torchdojo.probes import compare, module_source, probe

SCRIPT = "pool_script.py"
SCRIPT_TIMEOUT_S = 40  # a healthy run takes ~6-12 s: the script and 8 spawned workers import torch

# Imported at start-up by every Python process the driver starts (PYTHONPATH). In a spawned
# multiprocessing worker it wraps BaseProcess._bootstrap (called after the worker has re-imported
# its main module) with a profile hook that appends "pid phase name args" for every call of a
# function whose code lives in the script. In the "crash" phase the call fill_slice(buf, 0, hi) raises instead: that worker fails. Parent,
# resource tracker and forked children record nothing.
_HOOK = r"""
import os, sys
if any("multiprocessing.spawn" in a for a in getattr(sys, "orig_argv", sys.argv)):
    from multiprocessing import process as _process
    _LOG = os.path.join(os.environ["POOL_PROBE_LOG"], "%d.log" % os.getpid())
    _SUFFIX = os.sep + os.environ["POOL_PROBE_SCRIPT"]
    _PHASE = os.environ.get("POOL_PROBE_PHASE", "")
    _orig = _process.BaseProcess._bootstrap

    def _log(entry):
        with open(_LOG, "a") as f:
            f.write(repr(entry) + "\n")

    def _hook(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.endswith(_SUFFIX):
            code = frame.f_code
            args = [frame.f_locals.get(v) for v in code.co_varnames[: code.co_argcount]]
            args = [a if isinstance(a, int) else None for a in args]
            _log((os.getpid(), _PHASE, code.co_name, args))
            if _PHASE == "crash" and code.co_name == "fill_slice" and args[1:2] == [0]:
                raise RuntimeError("this worker was made to fail by the test")

    def _bootstrap(self, *a, **k):
        sys.setprofile(_hook)
        try:
            return _orig(self, *a, **k)
        finally:
            sys.setprofile(None)

    _process.BaseProcess._bootstrap = _bootstrap
"""

# A function for the extra pool run, importable by workers without importing torch: item 0
# finishes only after another item has (or after 5 s), so a pool that hands back results as
# they complete never returns them in input order.
_HELPER = r"""
import os, time


def stagger(x):
    mark = os.environ["POOL_PROBE_MARK"]
    if x == 0:
        deadline = time.monotonic() + 5
        while not os.path.exists(mark) and time.monotonic() < deadline:
            time.sleep(0.01)
    else:
        open(mark, "a").close()
    return 3 * x + 1
"""

# The driver: the learner's file as `python pool_script.py`, then the extra calls, each phase's
# outcome appended to a JSON-lines file (a phase that hangs costs only the phases after it).
_DRIVER = r"""
import gc, json, os, runpy, sys, traceback, warnings

OUT = os.environ["POOL_PROBE_OUT"]


def record(phase, **value):
    with open(OUT, "a") as f:
        f.write(json.dumps({"phase": phase, **value}, default=repr) + "\n")


def phase(name, fn):
    os.environ["POOL_PROBE_PHASE"] = name
    try:
        record(name, **fn())
    except Exception as exc:
        record(name, raised=type(exc).__name__, message=str(exc)[:200])


def extra():
    import multiprocessing
    import pool_script as m
    import poolprobe

    def map3():
        started = []  # the processes the parent starts during the call
        start = multiprocessing.process.BaseProcess.start

        def counted(self):
            started.append(type(self).__name__)
            return start(self)

        multiprocessing.process.BaseProcess.start = counted
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ResourceWarning)
                out = m.parallel_map(poolprobe.stagger, list(range(6)), 3)
                gc.collect()
        finally:
            multiprocessing.process.BaseProcess.start = start
        unclosed = [str(w.message)[:80] for w in caught if "unclosed" in str(w.message)]
        return {"out": out, "alive": len(multiprocessing.active_children()),
                "unclosed": unclosed, "started": started}

    def filled(n, w):
        def run():
            t = m.fill_shared(n, w)
            return {"raised": None, "type": type(t).__name__,
                    "filled": t.tolist() if hasattr(t, "tolist") else None}
        return run

    phase("map3", map3)
    phase("fill3", filled(10, 3))
    phase("crash", filled(5, 1))


if __name__ == "__main__":
    os.environ["POOL_PROBE_PHASE"] = "script"
    try:
        runpy.run_path(os.environ["POOL_PROBE_SCRIPT"], run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    except BaseException:
        traceback.print_exc()
        sys.exit(1)
    sys.stdout.flush()
    os.dup2(2, 1)  # what the extra calls print is not the script's last line of output
    extra()
"""

_RUNS: dict[str, dict] = {}  # module source -> the observations of its one run


def _read_lines(path: str) -> list:
    import ast

    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [ast.literal_eval(line) for line in f if line.strip()]


def _read_calls(log_dir: str) -> list:
    calls = []
    for name in sorted(os.listdir(log_dir)):
        calls += _read_lines(os.path.join(log_dir, name))
    return [list(c) for c in calls]


def _read_phases(path: str) -> dict:
    phases = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(entry, dict):
                    phases[str(entry.pop("phase", ""))] = entry
    return phases


def _run_script(m) -> dict:
    """Run the learner's file through the driver once; cache what came out."""
    source = module_source(m)
    if source in _RUNS:
        return _RUNS[source]
    root = tempfile.mkdtemp()
    hook_dir, log_dir = os.path.join(root, "hook"), os.path.join(root, "log")
    os.makedirs(hook_dir)
    os.makedirs(log_dir)
    for name, text in (("sitecustomize.py", _HOOK), ("poolprobe.py", _HELPER)):
        with open(os.path.join(hook_dir, name), "w") as f:
            f.write(text)
    for name, text in ((SCRIPT, source), ("drive.py", _DRIVER)):
        with open(os.path.join(root, name), "w") as f:
            f.write(text)
    out_path = os.path.join(root, "phases.jsonl")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": root, "TMPDIR": root,
           "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "PYTHONPATH": hook_dir, "POOL_PROBE_LOG": log_dir, "POOL_PROBE_SCRIPT": SCRIPT,
           "POOL_PROBE_OUT": out_path, "POOL_PROBE_MARK": os.path.join(root, "other_done")}
    proc = subprocess.Popen([sys.executable, "drive.py"], cwd=root, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
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
    phases = _read_phases(out_path)
    lines = [ln for ln in out.decode(errors="replace").splitlines() if ln.strip()]
    try:
        result = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        result = None
    err_lines = [ln for ln in err.decode(errors="replace").splitlines() if ln.strip()]
    _RUNS[source] = {"rc": proc.returncode, "timed_out": timed_out and not phases,
                     "result": result if isinstance(result, dict) else None,
                     "stdout_tail": lines[-3:], "stderr_tail": err_lines[-6:],
                     "calls": _read_calls(log_dir), "phases": phases}
    return _RUNS[source]


def _script_failed(got) -> str | None:
    """Why the script run gave nothing to judge, or None."""
    tail = " | ".join(got["stderr_tail"][-3:])
    if got["timed_out"]:
        return (f"`python {SCRIPT}` did not finish within {SCRIPT_TIMEOUT_S} s (a pool waiting "
                f"for workers that died?); stderr ends with: {tail or '(nothing)'}")
    if got["rc"] != 0 and not got["phases"]:
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


def _spawned(calls, name, phase="script"):
    """(pid, args) of each call of ``name`` in spawned workers during ``phase``."""
    return [(pid, args) for pid, ph, fn, args in calls if fn == name and ph == phase]


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


def _blocks(got, ref, phase: str, n: int) -> str | None:
    """fill_slice's calls in ``phase``: one per block, the blocks the reference used."""
    calls = _spawned(got["calls"], "fill_slice", phase)
    if not calls:
        return ("fill_slice never ran in a spawned worker process: fill_shared must hand the "
                "blocks to spawned workers, each calling fill_slice on the shared tensor")
    if any(len(a) != 3 or not isinstance(a[1], int) or not isinstance(a[2], int)
           for _, a in calls):
        return "fill_slice must be called as fill_slice(buf, lo, hi) with Python ints lo and hi"
    blocks = sorted((a[1], a[2]) for _, a in calls)
    want = sorted((a[1], a[2]) for _, a in _spawned(ref["calls"], "fill_slice", phase))
    if blocks != want:
        return (f"fill_slice ran in spawned processes on blocks {blocks}; expected "
                f"{len(want)} contiguous blocks of ceil(n / num_workers) covering 0..{n - 1} "
                f"once, one per worker: {want}")
    if len({pid for pid, _ in calls}) != len(calls):
        return "one worker process ran several blocks; expected one block per worker"
    return None


def _fill_workers_judge(got, ref):
    return _script_failed(got) or _blocks(got, ref, "script", len(ref["result"]["filled"]))


@probe(judge=_fill_workers_judge)
def fill_ran_in_spawned_workers(m):
    "fill_shared(12, 2): fill_slice ran in spawned processes, on two blocks covering 0..11"
    return _run_script(m)


# -- the extra calls, after the script ---------------------------------------------------------

def _phase(got, name: str) -> tuple[dict | None, str | None]:
    """The outcome of one extra phase, or why there is none."""
    why = _script_failed(got)
    if why:
        return None, why
    entry = got["phases"].get(name)
    if not isinstance(entry, dict):
        tail = " | ".join(got["stderr_tail"][-3:])
        return None, (f"the run stopped before this call finished (a pool or a join that never "
                      f"returned?); stderr ends with: {tail or '(nothing)'}")
    return entry, None


def _map3_judge(got, ref):
    entry, why = _phase(got, "map3")
    if why:
        return why
    if entry.get("raised"):
        return f"parallel_map raised {entry['raised']}: {entry.get('message')}"
    want = ref["phases"]["map3"]["out"]
    if entry.get("out") != want:
        return (f"parallel_map(fn, [0..5], 3) returned {entry.get('out')!r:.80}; expected "
                f"{want}: every result, in the order of items (item 0 finished last)")
    started, n_ref = entry.get("started"), len(ref["phases"]["map3"]["started"])
    if not isinstance(started, list) or len(started) != n_ref:
        n = len(started) if isinstance(started, list) else "?"
        return (f"parallel_map(fn, items, num_workers=3) started {n} worker processes; "
                f"expected a pool of exactly {n_ref}")
    return None


@probe(judge=_map3_judge)
def map_other_workers_in_order(m):
    "parallel_map(fn, 6 items, 3): a pool of 3 spawned workers, results in input order"
    return _run_script(m)


def _shut_down_judge(got, ref):
    entry, why = _phase(got, "map3")
    if why:
        return why
    if entry.get("raised"):
        return f"parallel_map raised {entry['raised']}: {entry.get('message')}"
    if entry.get("alive"):
        return (f"{entry['alive']} worker processes were still running after parallel_map "
                "returned; shut the pool down before returning")
    if entry.get("unclosed"):
        return (f"the pool was never closed ({entry['unclosed'][0]}...): Python cleaned it up "
                "when it was garbage-collected; shut it down yourself before returning")
    return None


@probe(judge=_shut_down_judge)
def pool_shut_down(m):
    "no worker of parallel_map's pool is left running or left for the garbage collector"
    return _run_script(m)


def _fill3_judge(got, ref):
    entry, why = _phase(got, "fill3")
    if why:
        return why
    if entry.get("raised"):
        return f"fill_shared(10, 3) raised {entry['raised']}: {entry.get('message')}"
    filled, want = entry.get("filled"), ref["phases"]["fill3"]["filled"]
    if not isinstance(filled, list) or len(filled) != len(want):
        return f"fill_shared(10, 3) gave {filled!r:.80}, expected a tensor of {len(want)} values"
    return (compare(torch.tensor(filled), torch.tensor(want), path="fill_shared(10, 3)")
            or _blocks(got, ref, "fill3", len(want)))


@probe(judge=_fill3_judge)
def fill_other_split(m):
    "fill_shared(10, 3): three workers on blocks of ceil(10 / 3), every index written"
    return _run_script(m)


def _crash_judge(got, ref):
    entry, why = _phase(got, "crash")
    if why:
        return why
    if not entry.get("raised"):
        return (f"a worker of fill_shared(5, 1) failed (the test made fill_slice raise in it), "
                f"yet fill_shared returned {entry.get('filled')!r:.60} as if all went well; "
                "check the workers' exit codes and raise")
    return None


@probe(judge=_crash_judge)
def fill_worker_failure_raises(m):
    "fill_shared raises when one of its workers fails, instead of returning unwritten zeros"
    return _run_script(m)
