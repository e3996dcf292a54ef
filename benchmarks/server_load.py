"""Many learners at once: checks per second and latency of the class server against the
single-user app, on the same machine, over loopback.

    python benchmarks/server_load.py [--learners 50] [--checks 4] [--workers N] [--json F]

It starts each in turn as a learner would (``torchdojo serve`` on a fresh workspace;
``torchdojo serve --server`` with its own PostgreSQL and Redis in a temporary directory and
``--workers`` grading workers), warms each with one check, then lets ``--learners`` simulated
learners (plain asyncio + httpx2) each send ``--checks`` checks of the reference solution of
``--problem``, one after another, as fast as results come (no think time: the worst case). A
check's latency runs from the POST to the result on the learner's side (in server mode: the
202, then ``GET /api/jobs/ID?wait=1`` until it is done, as the page does). The local app
grades one check at a time by design (one learner); the server spreads them over its workers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

from torchdojo.bank import Bank

TOKEN = re.compile(r'torchdojo-token" content="([^"]+)"')


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict[str, str], port: int) -> tuple[subprocess.Popen, Path]:
    log = Path(tempfile.mkstemp(prefix="torchdojo-load-", suffix=".log")[1])
    proc = subprocess.Popen([sys.executable, "-m", "torchdojo.cli", "serve", "--no-open",
                             "--port", str(port), *args], env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=1)
            return proc, log
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start:\n{log.read_text()}") from None
            time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()


async def _check(c: httpx.AsyncClient, pid: str, code: str, token: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    r = await c.post(f"/api/problems/{pid}/check", json={"code": code, "scope": "all"},
                     headers={"X-Torchdojo-Token": token})
    if r.status_code == 429:  # over a limit: wait as the page would, count the time
        await asyncio.sleep(float(r.headers.get("retry-after", "1")))
        return await _check(c, pid, code, token)
    r.raise_for_status()
    body = r.json()
    while "job" in body and body["state"] not in ("done", "failed"):  # as the page does
        body = (await c.get(f"/api/jobs/{body['job']}?wait=1")).json()
    result = body["result"] if "job" in body else body
    return time.perf_counter() - t0, result["status"]


async def _signed_in(base: str, invite: str | None, name: str, token: str | None
                     ) -> tuple[httpx.AsyncClient, str]:
    """A learner's client and the token its writes carry (server mode: a new account)."""
    c = httpx.AsyncClient(base_url=base, timeout=600)
    if invite is not None:
        (await c.post("/api/signup", json={"name": name, "password": "load test pw",
                                           "invite": invite})).raise_for_status()
        token = TOKEN.search((await c.get("/")).text).group(1)
    return c, token or ""


async def _load(base: str, pid: str, code: str, learners: int, checks: int,
                invite: str | None, token: str | None, prefix: str) -> dict:
    """``learners`` sign in first (not timed), then all check at once; the figures."""
    clients = await asyncio.gather(*(_signed_in(base, invite, f"{prefix}{i:03d}", token)
                                     for i in range(learners)))

    async def learner(c: httpx.AsyncClient, tok: str) -> list[tuple[float, str]]:
        return [await _check(c, pid, code, tok) for _ in range(checks)]

    t0 = time.perf_counter()
    runs = await asyncio.gather(*(learner(c, tok) for c, tok in clients))
    wall = time.perf_counter() - t0
    for c, _ in clients:
        await c.aclose()
    lat = sorted(s for run in runs for s, _ in run)
    q = statistics.quantiles(lat, n=20) if len(lat) > 1 else lat * 19
    return {"checks": len(lat), "wall_s": round(wall, 2),
            "checks_per_s": round(len(lat) / wall, 2),
            "p50_ms": round(1000 * statistics.median(lat)), "p95_ms": round(1000 * q[18]),
            "max_ms": round(1000 * lat[-1]),
            "statuses": sorted({st for run in runs for _, st in run})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=50)
    ap.add_argument("--checks", type=int, default=4, help="checks per learner")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--problem", default="tensor_numpy_bridge")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    code = Bank().get(args.problem).read("solution.py")
    out: dict = {"learners": args.learners, "checks_each": args.checks, "workers": args.workers,
                 "cores": os.cpu_count(), "problem": args.problem}
    with tempfile.TemporaryDirectory(prefix="torchdojo-load-") as tmp:
        env = dict(os.environ, TORCHDOJO_WORKSPACE=str(Path(tmp) / "ws"))
        env.pop("TORCHDOJO_DATABASE_URL", None)
        env.pop("TORCHDOJO_REDIS_URL", None)

        port = _port()  # 1. the single-user app (the local daemon behind it)
        proc, log = _start([], env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            token = TOKEN.search(httpx.get(base + "/").text).group(1)
            asyncio.run(_load(base, args.problem, code, 1, 2, None, token, "warm"))
            out["local"] = asyncio.run(_load(base, args.problem, code, args.learners,
                                             args.checks, None, token, "learner"))
        finally:
            _stop(proc)
        print(f"single-user app:  {out['local']}", flush=True)

        port = _port()  # 2. the class server
        proc, log = _start(["--server", "--workers", str(args.workers)], env, port)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while not (m := re.search(r"invite code for learners: (\S+)", log.read_text())):
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            invite = m.group(1)
            warm = asyncio.run(_load(base, args.problem, code, args.workers, 2, invite, None,
                                     "warm"))
            assert warm["statuses"] == ["pass"], warm
            out["server"] = asyncio.run(_load(base, args.problem, code, args.learners,
                                              args.checks, invite, None, "learner"))
        finally:
            _stop(proc)
        print(f"class server:     {out['server']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
