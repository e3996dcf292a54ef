"""Progress in SQLite (WAL): attempts, solves, hints revealed, solutions viewed, card reviews.

Each write is one short transaction with synchronous=FULL, so a ``kill -9`` of the interface
loses nothing already recorded and corrupts nothing.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
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
CREATE TABLE IF NOT EXISTS lessons_read (lesson TEXT PRIMARY KEY, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS card_state (
    card TEXT PRIMARY KEY, fsrs TEXT NOT NULL, due REAL NOT NULL, reviews INTEGER NOT NULL,
    lapses INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS card_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    card TEXT NOT NULL,
    ts REAL NOT NULL,
    correct INTEGER NOT NULL,
    rating TEXT NOT NULL,
    reply TEXT NOT NULL,
    due REAL NOT NULL
);
"""


class Store:
    def __init__(self, path: Path, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=10, isolation_level=None)
        self._wal()
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def _wal(self, wait_s: float = 10.0) -> None:
        """Switch the database to WAL once. Two connections opening a new database at the same
        moment (two requests of the web app) race for the switch, and SQLite answers the loser
        "database is locked" at once, without its busy timeout: so wait here instead."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

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

    def last_problem(self) -> str | None:
        """The problem of the most recent attempt (what "next" continues from), or None."""
        row = self.db.execute("SELECT problem FROM attempts ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

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

    def mark_lesson_read(self, lesson: str) -> None:
        self._write("INSERT OR IGNORE INTO lessons_read (lesson, ts) VALUES (?, ?)",
                    (lesson, self.clock()))

    def lessons_read(self) -> set[str]:
        return {r for (r,) in self.db.execute("SELECT lesson FROM lessons_read")}

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self._write("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) "
                    "DO UPDATE SET value=excluded.value", (key, value))

    # -- concept cards -------------------------------------------------------------------
    def record_review(self, card: str, ts: float, correct: bool, rating: str, reply: str,
                      fsrs_state: str, due: float) -> None:
        """One quiz answer and the card's new schedule, in one transaction."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT INTO card_reviews (card, ts, correct, rating, reply, due) "
                "VALUES (?,?,?,?,?,?)", (card, ts, int(correct), rating, reply[:500], due))
            self.db.execute(
                "INSERT INTO card_state (card, fsrs, due, reviews, lapses) VALUES (?,?,?,1,?) "
                "ON CONFLICT(card) DO UPDATE SET fsrs=excluded.fsrs, due=excluded.due, "
                "reviews=reviews+1, lapses=lapses+excluded.lapses",
                (card, fsrs_state, due, int(not correct)))

    def card_states(self) -> dict[str, dict]:
        """card -> {fsrs, due, reviews, lapses} for every card reviewed at least once."""
        rows = self.db.execute("SELECT card, fsrs, due, reviews, lapses FROM card_state")
        return {c: {"fsrs": f, "due": d, "reviews": r, "lapses": lp} for c, f, d, r, lp in rows}

    def card_reviews(self, card: str | None = None) -> list[dict]:
        q = "SELECT card, ts, correct, rating, reply, due FROM card_reviews"
        rows = self.db.execute(q + (" WHERE card=? ORDER BY id" if card else " ORDER BY id"),
                               (card,) if card else ()).fetchall()
        keys = ("card", "ts", "correct", "rating", "reply", "due")
        return [dict(zip(keys, r, strict=True)) for r in rows]
