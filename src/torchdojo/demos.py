"""Run concept cards' demos: a few lines each whose output proves the card's point.

The parent side (:func:`run_demos`) starts ONE Python process for all the demos it is given,
so torch is imported once, and reads back a JSON report. The child side (:func:`main`) runs
each demo in a fresh namespace with its stdout captured, deprecation warnings turned into
errors, and a per-demo alarm. Demos are the bank's own code, not a learner's, so they run in a
plain subprocess rather than the grading sandbox.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import traceback
import warnings
from dataclasses import dataclass

PER_DEMO_S = 20


@dataclass(frozen=True)
class DemoRun:
    ok: bool
    output: str  # what the demo printed (or the error)
    ms: int


def run_demos(demos: dict[str, str], timeout_s: float | None = None) -> dict[str, DemoRun]:
    """Run ``{card id: source}``; every id gets a DemoRun (a crash fails all that had none)."""
    if not demos:
        return {}
    timeout_s = timeout_s or 30 + PER_DEMO_S * len(demos)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        proc = subprocess.run([sys.executable, "-m", "torchdojo.demos"], input=json.dumps(demos),
                              capture_output=True, text=True, timeout=timeout_s, env=env)
        report = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
        why = f"the demo process exited with {proc.returncode}: {proc.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        report, why = {}, f"the demos did not finish within {timeout_s:.0f} s"
    except (json.JSONDecodeError, IndexError):
        report, why = {}, "the demo process printed no report"
    return {cid: DemoRun(**report[cid]) if cid in report else DemoRun(False, why, 0)
            for cid in demos}


def _alarm(signum, frame):  # type: ignore[no-untyped-def]
    raise TimeoutError(f"demo ran over {PER_DEMO_S} s")


def _run_one(source: str) -> dict:
    import time

    out = io.StringIO()
    t0 = time.perf_counter()
    ok = True
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PER_DEMO_S)
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            warnings.simplefilter("error", FutureWarning)
            exec(compile(source, "<demo>", "exec"), {"__name__": "__demo__"})  # noqa: S102
    except BaseException as exc:  # noqa: BLE001 - report any failure, SystemExit included
        ok = False
        tb = traceback.format_exception(exc)
        out.write("".join(tb[-3:]))
    finally:
        signal.alarm(0)
    return {"ok": ok, "output": out.getvalue()[-2000:],
            "ms": int((time.perf_counter() - t0) * 1000)}


def main() -> None:
    demos = json.loads(sys.stdin.read())
    report = {cid: _run_one(src) for cid, src in demos.items()}
    sys.stdout.write("\n" + json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
