"""How long the two commands a learner runs most take, wall clock, as a learner runs them.

    python benchmarks/cli_speed.py [--runs 20] [--problem tensor_numpy_bridge]

In a fresh temporary workspace it starts the grading daemon (one warm-up check), then times
``torchdojo check ID --file solution.py`` (the reference, so it passes) and ``torchdojo list``
as subprocesses of the installed console script, ``--runs`` times each, alternating. It prints
p50/p90/min for each, the grader's own time for the check (what the daemon reports) and a bare
``python -c pass`` for scale. The goal (issue #17): p50 <= 150 ms for both on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from torchdojo.bank import Bank


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    ms = 1000 * (time.perf_counter() - t0)
    if out.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return ms, out.stdout


def _summary(name: str, ms: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(ms, n=10) if len(ms) > 1 else ms * 9
    row = {"p50": statistics.median(ms), "p90": qs[8], "min": min(ms)}
    print(f"{name:<28} p50 {row['p50']:6.0f} ms   p90 {row['p90']:6.0f} ms   "
          f"min {row['min']:6.0f} ms   ({len(ms)} runs)")
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--problem", default="tensor_numpy_bridge")
    ap.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = ap.parse_args()
    exe = shutil.which("torchdojo", path=os.path.dirname(sys.executable)) or "torchdojo"
    solution = str(Bank().get(args.problem).file("solution.py"))
    ws = tempfile.mkdtemp(prefix="torchdojo-bench-")
    env = {**os.environ, "TORCHDOJO_WORKSPACE": ws}
    env.pop("TORCHDOJO_NO_DAEMON", None)
    check = [exe, "check", args.problem, "--file", solution]
    listing = [exe, "list"]
    try:
        print(f"workspace {ws}; {os.cpu_count()} cores; starting the daemon…", flush=True)
        _timed(check, env)  # starts the daemon and fills the reference cache
        _timed(listing, env)  # builds the bank index
        checks, lists, pythons, grader = [], [], [], []
        for _ in range(args.runs):
            ms, _out = _timed(check, env)
            checks.append(ms)
            lists.append(_timed(listing, env)[0])
            pythons.append(_timed([sys.executable, "-c", "pass"], env)[0])
            grader.append(json.loads(_timed(check + ["--json"], env)[1])["duration_ms"])
        figures = {"check": _summary(f"torchdojo check {args.problem}", checks),
                   "list": _summary("torchdojo list", lists),
                   "grader": _summary("  the grader's own time", [float(g) for g in grader]),
                   "python": _summary("  python -c pass", pythons)}
        if args.json:
            print(json.dumps(figures))
    finally:
        subprocess.run([exe, "daemon", "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    main()
