"""Progress store: statuses, hints, solutions, and durability under kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from torchdojo.results import Result, TestResult
from torchdojo.store import Store


def _res(pid: str, status: str) -> Result:
    return Result(pid, status, "m", 5, [TestResult("a", "pass" if status == "pass" else "fail")])


def test_statuses_hints_and_solutions(tmp_path: Path) -> None:
    s = Store(tmp_path / "p.sqlite3")
    assert s.status("x") == "new"
    s.record_attempt(_res("x", "fail"))
    assert s.status("x") == "attempted"
    s.record_attempt(_res("x", "pass"), scope="public")
    assert s.status("x") == "attempted"  # a public-only pass is not a solve
    s.record_attempt(_res("x", "pass"))
    assert s.status("x") == "solved"
    s.record_attempt(_res("x", "fail"))
    assert s.status("x") == "solved"  # solved stays solved
    assert [a["status"] for a in s.attempts("x")] == ["fail", "pass", "pass", "fail"]
    assert s.attempts("x")[0]["failed"] == 1
    assert [s.reveal_hint("x", 2) for _ in range(3)] == [1, 2, 2]
    assert not s.solution_viewed("x")
    s.mark_solution_viewed("x", after_pass=True)
    assert s.solution_viewed("x")
    s.close()
    again = Store(tmp_path / "p.sqlite3")  # survives a restart
    assert again.status("x") == "solved" and again.hints_revealed("x") == 2


WRITER = """
import sys, time
from pathlib import Path
from torchdojo.results import Result, TestResult
from torchdojo.store import Store
s = Store(Path(sys.argv[1]))
i = 0
while True:
    s.record_attempt(Result(f"p{i % 7}", "fail", "m", 1, [TestResult("a", "fail")]))
    i += 1
    print(i, flush=True)
"""


def test_kill_minus_nine_loses_nothing_recorded(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 20
    while seen < 200 and time.monotonic() < deadline:
        seen = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = con.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert count >= seen  # everything acknowledged before the kill is there
    con.close()
