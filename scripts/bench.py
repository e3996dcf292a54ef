"""Measure what the README promises: import torch, warm and cold checks, the whole validate.

    .venv/bin/python scripts/bench.py [--runs 20] [--validate-runs 3]

Each figure is the median and 95th percentile over the runs, all taken in this one run on this
machine, so the check times can be read against the cost of ``import torch`` next to them.
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
from pathlib import Path

from torchdojo.bank import Bank
from torchdojo.grader.client import DaemonClient, Grader
from torchdojo.workspace import Workspace

PID = "tensor_numpy_bridge"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=env)
    return time.perf_counter() - t0


def row(name: str, xs: list[float]) -> dict:
    return {"measure": name, "runs": len(xs), "median_ms": round(1000 * statistics.median(xs)),
            "p95_ms": round(1000 * pct(xs, 0.95))}


def web_checks(ws: Workspace, env: dict[str, str], source: str, runs: int) -> list[float]:
    """Time checks through ``torchdojo serve`` over real HTTP (the daemon already warm)."""
    import re
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    srv = subprocess.Popen([sys.executable, "-m", "torchdojo", "serve", "--no-open",
                            "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                page = urllib.request.urlopen(url + "/", timeout=1).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        token = re.search(r'name="torchdojo-token" content="([^"]+)"', page).group(1)
        body = json.dumps({"code": source, "scope": "all"}).encode()
        req = urllib.request.Request(f"{url}/api/problems/{PID}/check", data=body,
                                     method="POST", headers={"X-Torchdojo-Token": token,
                                                             "Content-Type": "application/json"})
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            assert json.loads(urllib.request.urlopen(req, timeout=60).read())["status"] == "pass"
            times.append(time.perf_counter() - t0)
            time.sleep(0.2)
        return times
    finally:
        srv.terminate()
        srv.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--validate-runs", type=int, default=3)
    args = ap.parse_args()
    ws = Workspace.open(tempfile.mkdtemp(prefix="torchdojo-bench-"))
    env = {**os.environ, "TORCHDOJO_WORKSPACE": str(ws.root), "OMP_NUM_THREADS": "1"}
    py = sys.executable
    sol = str(Bank().get(PID).file("solution.py"))
    source = Path(sol).read_text()
    cli = [py, "-m", "torchdojo.cli"]
    rows = []

    rows.append(row("python -c 'import torch'",
                    [timed([py, "-c", "import torch"], env) for _ in range(args.runs)]))

    client = DaemonClient(ws)
    client.request({"op": "ping"})  # start the daemon
    grader = Grader(ws, cold=False)  # the notebook's path: the daemon's check request
    grader.grade(PID, source)  # reference computed and cached
    warm = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        assert grader.grade(PID, source).status == "pass"
        warm.append(time.perf_counter() - t0)
        time.sleep(0.2)  # a learner does not save 5 times a second
    rows.append(row(f"warm check, API ({PID})", warm))
    rows.append(row(f"warm check, `torchdojo check {PID}`",
                    [timed(cli + ["check", PID, "--file", sol, "--json"], env)
                     for _ in range(args.runs)]))
    rows.append(row(f"warm check, web app (`POST /api/problems/{PID}/check`, uvicorn)",
                    web_checks(ws, env, source, args.runs)))
    client.stop()
    rows.append(row(f"cold one-shot check, `torchdojo check --cold {PID}`",
                    [timed(cli + ["check", PID, "--file", sol, "--json", "--cold"], env)
                     for _ in range(args.runs)]))
    n = len(Bank())
    runs = []
    for _ in range(args.validate_runs):
        shutil.rmtree(ws.cache_dir, ignore_errors=True)  # references recomputed every time
        runs.append(timed(cli + ["validate", "--cold"], env))
    rows.append(row(f"`torchdojo validate --cold` (all {n} problems)", runs))

    print("| measure | runs | median | p95 |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['measure']} | {r['runs']} | {r['median_ms']} ms | {r['p95_ms']} ms |")
    out = Path("bench-out")
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
