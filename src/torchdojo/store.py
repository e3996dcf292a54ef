"""Progress in SQLite (WAL): attempts, solves, hints revealed, solutions viewed.

Each write is one short transaction with synchronous=FULL, so a ``kill -9`` of the interface
loses nothing already recorded and corrupts nothing.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from torchdojo.results import Result

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem TEXT NOT NULL,
    ts REAL NOT NULL,
    status TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT 'all',
    passed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    errored INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_problem ON attempts(problem);
CREATE TABLE IF NOT EXISTS solves (problem TEXT PRIMARY KEY, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS hints (problem TEXT PRIMARY KEY, revealed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS solutions_viewed (
    problem TEXT PRIMARY KEY, ts REAL NOT NULL, after_pass INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: Path, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _write(self, sql: str, args: tuple) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(sql, args)

    def record_attempt(self, result: Result, scope: str = "all") -> None:
        """One attempt; a full-scope pass also marks the problem solved (first time kept)."""
        c = result.counts()
        now = self.clock()
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO attempts (problem, ts, status, scope, passed, failed, errored,"
                " skipped, duration_ms) VALUES (?,?,?,?,?,?,?,?,?)",
                (result.problem, now, result.status, scope, c["pass"], c["fail"], c["error"],
                 c["skip"], result.duration_ms))
            if result.passed and scope == "all":
                self.db.execute("INSERT OR IGNORE INTO solves (problem, ts) VALUES (?, ?)",
                                (result.problem, now))

    def status(self, problem: str) -> str:
        """'solved', 'attempted' or 'new'."""
        if self.db.execute("SELECT 1 FROM solves WHERE problem=?", (problem,)).fetchone():
            return "solved"
        if self.db.execute("SELECT 1 FROM attempts WHERE problem=?", (problem,)).fetchone():
            return "attempted"
        return "new"

    def statuses(self) -> dict[str, str]:
        out = {p: "attempted" for (p,) in self.db.execute("SELECT DISTINCT problem FROM attempts")}
        out.update({p: "solved" for (p,) in self.db.execute("SELECT problem FROM solves")})
        return out

    def attempts(self, problem: str | None = None) -> list[dict]:
        q = "SELECT problem, ts, status, scope, passed, failed, errored, skipped, duration_ms " \
            "FROM attempts"
        rows = self.db.execute(q + (" WHERE problem=? ORDER BY id" if problem else " ORDER BY id"),
                               (problem,) if problem else ()).fetchall()
        keys = ("problem", "ts", "status", "scope", "passed", "failed", "errored", "skipped",
                "duration_ms")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def hints_revealed(self, problem: str) -> int:
        row = self.db.execute("SELECT revealed FROM hints WHERE problem=?", (problem,)).fetchone()
        return row[0] if row else 0

    def reveal_hint(self, problem: str, available: int) -> int:
        """Reveal one more hint (up to ``available``); returns how many are now revealed."""
        n = min(self.hints_revealed(problem) + 1, available)
        self._write("INSERT INTO hints (problem, revealed) VALUES (?, ?) ON CONFLICT(problem) "
                    "DO UPDATE SET revealed=excluded.revealed", (problem, n))
        return n

    def mark_solution_viewed(self, problem: str, after_pass: bool) -> None:
        self._write("INSERT OR IGNORE INTO solutions_viewed (problem, ts, after_pass) "
                    "VALUES (?, ?, ?)", (problem, self.clock(), int(after_pass)))

    def solution_viewed(self, problem: str) -> bool:
        return self.db.execute("SELECT 1 FROM solutions_viewed WHERE problem=?",
                               (problem,)).fetchone() is not None

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self._write("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                    "DO UPDATE SET value=excluded.value", (key, value))
