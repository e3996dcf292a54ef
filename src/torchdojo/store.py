"""Progress: attempts, solves, hints revealed, solutions viewed, lessons read, settings, card
reviews and (server mode) the learner's code, per user.

One class over two databases with one schema (``torchdojo.server.schema``):
- embedded: ``Store(path)``, SQLite in WAL with synchronous=FULL, one user (``LOCAL_USER``);
  each write is one short transaction, so a ``kill -9`` of the interface loses nothing already
  recorded and corrupts nothing. It imports only ``sqlite3``: the CLI's fast path stays fast.
- server: ``Store.on(connection, user_id)`` over a psycopg 3 connection to PostgreSQL, lent by
  the server's pool (``torchdojo.server.db``); every query names the user, so one learner's
  store never reads another's rows.
The SQL is written once with ``?`` placeholders in the subset both databases speak
(``INSERT … ON CONFLICT``); the PostgreSQL side swaps in ``%s``.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from torchdojo.results import Result

LOCAL_USER = 1  # the one user of an embedded database
# PRAGMA user_version of an embedded database at the Alembic head this DDL equals
SCHEMA_VERSION = 1
SCHEMA_REVISION = "0001"

# The SQLite form of torchdojo.server.schema (a test compares the two).
SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER NOT NULL, name TEXT NOT NULL, password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL, created FLOAT NOT NULL, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE IF NOT EXISTS invites (
    code_hash TEXT NOT NULL, uses_left INTEGER NOT NULL, expires FLOAT NOT NULL,
    created FLOAT NOT NULL, PRIMARY KEY (code_hash));
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER NOT NULL, user_id INTEGER NOT NULL, problem TEXT NOT NULL, ts FLOAT NOT NULL,
    status TEXT NOT NULL, scope TEXT NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,
    errored INTEGER NOT NULL, skipped INTEGER NOT NULL, duration_ms INTEGER NOT NULL, job TEXT,
    PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
    UNIQUE (job));
CREATE INDEX IF NOT EXISTS attempts_user_problem ON attempts (user_id, problem);
CREATE TABLE IF NOT EXISTS card_reviews (
    id INTEGER NOT NULL, user_id INTEGER NOT NULL, card TEXT NOT NULL, ts FLOAT NOT NULL,
    correct INTEGER NOT NULL, rating TEXT NOT NULL, reply TEXT NOT NULL, due FLOAT NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS card_reviews_user_card ON card_reviews (user_id, card);
CREATE TABLE IF NOT EXISTS card_state (
    user_id INTEGER NOT NULL, card TEXT NOT NULL, fsrs TEXT NOT NULL, due FLOAT NOT NULL,
    reviews INTEGER NOT NULL, lapses INTEGER NOT NULL, PRIMARY KEY (user_id, card),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS code (
    user_id INTEGER NOT NULL, problem TEXT NOT NULL, text TEXT NOT NULL, ts FLOAT NOT NULL,
    PRIMARY KEY (user_id, problem), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS hints (
    user_id INTEGER NOT NULL, problem TEXT NOT NULL, revealed INTEGER NOT NULL,
    PRIMARY KEY (user_id, problem), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS lessons_read (
    user_id INTEGER NOT NULL, lesson TEXT NOT NULL, ts FLOAT NOT NULL,
    PRIMARY KEY (user_id, lesson), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT NOT NULL, user_id INTEGER NOT NULL, csrf TEXT NOT NULL,
    created FLOAT NOT NULL, expires FLOAT NOT NULL, PRIMARY KEY (token_hash),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS settings (
    user_id INTEGER NOT NULL, "key" TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (user_id, "key"), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS solutions_viewed (
    user_id INTEGER NOT NULL, problem TEXT NOT NULL, ts FLOAT NOT NULL,
    after_pass INTEGER NOT NULL, PRIMARY KEY (user_id, problem),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS solves (
    user_id INTEGER NOT NULL, problem TEXT NOT NULL, ts FLOAT NOT NULL,
    PRIMARY KEY (user_id, problem), FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS alembic_version (
    version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
"""

# The tables of the first embedded databases (before accounts): one user, no user_id.
_LEGACY = {"attempts": "problem, ts, status, scope, passed, failed, errored, skipped, duration_ms",
           "solves": "problem, ts", "hints": "problem, revealed",
           "solutions_viewed": "problem, ts, after_pass", "lessons_read": "lesson, ts",
           "settings": '"key", value', "card_state": "card, fsrs, due, reviews, lapses",
           "card_reviews": "card, ts, correct, rating, reply, due"}

_ATTEMPT_KEYS = ("problem", "ts", "status", "scope", "passed", "failed", "errored", "skipped",
                 "duration_ms")
_REVIEW_KEYS = ("card", "ts", "correct", "rating", "reply", "due")


class Store:
    """One user's progress. ``Store(path)`` opens (and creates) an embedded database."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path: Path | None = path
        self.clock = clock
        self.user = LOCAL_USER
        self._pg = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db: Any = sqlite3.connect(path, timeout=10, isolation_level=None)
        self._wal()
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            self._create()

    @classmethod
    def on(cls, connection: Any, user: int, clock: Callable[[], float] = time.time) -> Store:
        """The store of ``user`` over a psycopg 3 connection in autocommit mode (the server's
        database, at the schema's head; the caller owns the connection)."""
        self = cls.__new__(cls)
        self.path, self.clock, self.user, self._pg, self.db = None, clock, user, True, connection
        return self

    # -- the embedded database's schema -----------------------------------------------------
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

    def _create(self) -> None:
        """Bring the embedded database to the head schema, in one transaction: create it, or
        adopt a database of the first, single-user layout (its rows become the local user's)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version == SCHEMA_VERSION:
                return  # another connection got here first
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path} has schema {version}, newer than this torchdojo "
                                   f"({SCHEMA_VERSION}): upgrade torchdojo")
            cols = {r[1] for r in self.db.execute("PRAGMA table_info(attempts)")}
            legacy = bool(cols) and "user_id" not in cols
            if legacy:
                for table in _LEGACY:
                    if self.db.execute("SELECT 1 FROM sqlite_master WHERE name=?",
                                       (table,)).fetchone():
                        self.db.execute(f"ALTER TABLE {table} RENAME TO legacy_{table}")
                self.db.execute("DROP INDEX IF EXISTS attempts_problem")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute("INSERT INTO users (id, name, password_hash, is_admin, created) "
                            "VALUES (?, 'local', '', 1, ?) ON CONFLICT DO NOTHING",
                            (LOCAL_USER, self.clock()))
            if legacy:
                for table, columns in _LEGACY.items():
                    if self.db.execute("SELECT 1 FROM sqlite_master WHERE name=?",
                                       (f"legacy_{table}",)).fetchone():
                        self.db.execute(f"INSERT INTO {table} (user_id, {columns}) "
                                        f"SELECT {LOCAL_USER}, {columns} FROM legacy_{table}")
                        self.db.execute(f"DROP TABLE legacy_{table}")
            self.db.execute("DELETE FROM alembic_version")
            self.db.execute("INSERT INTO alembic_version VALUES (?)", (SCHEMA_REVISION,))
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        if not self._pg:
            self.db.close()

    # -- the two dialects ---------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self._pg else sql

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        return list(self.db.execute(self._sql(sql), args).fetchall())

    def _one(self, sql: str, args: tuple = ()) -> tuple | None:
        return self.db.execute(self._sql(sql), args).fetchone()

    def _write(self, *statements: tuple[str, tuple]) -> int:
        """Run the statements in one transaction; the rows the first one changed."""
        if self._pg:
            with self.db.transaction():
                counts = [self.db.execute(self._sql(s), a).rowcount for s, a in statements]
        else:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                counts = [self.db.execute(s, a).rowcount for s, a in statements]
        return counts[0]

    # -- attempts and solves ---------------------------------------------------------------------
    def record_attempt(self, result: Result, scope: str = "all", job: str | None = None) -> bool:
        """One attempt; a full-scope pass also marks the problem solved (first time kept).

        ``job`` is the queue's id for the check: the same job recorded twice (a worker killed
        after recording, the job run again) stays one attempt. True when it was recorded now.
        """
        c = result.counts()
        now = self.clock()
        u = self.user
        insert = ("INSERT INTO attempts (user_id, problem, ts, status, scope, passed, failed, "
                  "errored, skipped, duration_ms, job) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                  "ON CONFLICT DO NOTHING",
                  (u, result.problem, now, result.status, scope, c["pass"], c["fail"],
                   c["error"], c["skip"], result.duration_ms, job))
        if result.passed and scope == "all":
            return self._write(insert, ("INSERT INTO solves (user_id, problem, ts) "
                                        "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                        (u, result.problem, now))) == 1
        return self._write(insert) == 1

    def last_problem(self) -> str | None:
        """The problem of the most recent attempt (what "next" continues from), or None."""
        row = self._one("SELECT problem FROM attempts WHERE user_id=? ORDER BY id DESC LIMIT 1",
                        (self.user,))
        return row[0] if row else None

    def status(self, problem: str) -> str:
        """'solved', 'attempted' or 'new'."""
        if self._one("SELECT 1 FROM solves WHERE user_id=? AND problem=?", (self.user, problem)):
            return "solved"
        if self._one("SELECT 1 FROM attempts WHERE user_id=? AND problem=?",
                     (self.user, problem)):
            return "attempted"
        return "new"

    def statuses(self) -> dict[str, str]:
        u = (self.user,)
        out = {p: "attempted" for (p,) in self._rows(
            "SELECT DISTINCT problem FROM attempts WHERE user_id=?", u)}
        out.update({p: "solved" for (p,) in self._rows(
            "SELECT problem FROM solves WHERE user_id=?", u)})
        return out

    def attempts(self, problem: str | None = None) -> list[dict]:
        q = ("SELECT problem, ts, status, scope, passed, failed, errored, skipped, duration_ms "
             "FROM attempts WHERE user_id=?")
        rows = self._rows(q + (" AND problem=? ORDER BY id" if problem else " ORDER BY id"),
                          (self.user, problem) if problem else (self.user,))
        return [dict(zip(_ATTEMPT_KEYS, r, strict=True)) for r in rows]

    # -- hints, solutions, lessons, settings -------------------------------------------------
    def hints_revealed(self, problem: str) -> int:
        row = self._one("SELECT revealed FROM hints WHERE user_id=? AND problem=?",
                        (self.user, problem))
        return row[0] if row else 0

    def reveal_hint(self, problem: str, available: int) -> int:
        """Reveal one more hint (up to ``available``); returns how many are now revealed."""
        n = min(self.hints_revealed(problem) + 1, available)
        self._write(("INSERT INTO hints (user_id, problem, revealed) VALUES (?, ?, ?) "
                     "ON CONFLICT (user_id, problem) DO UPDATE SET revealed=excluded.revealed",
                     (self.user, problem, n)))
        return n

    def mark_solution_viewed(self, problem: str, after_pass: bool) -> None:
        self._write(("INSERT INTO solutions_viewed (user_id, problem, ts, after_pass) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     (self.user, problem, self.clock(), int(after_pass))))

    def solution_viewed(self, problem: str) -> bool:
        return self._one("SELECT 1 FROM solutions_viewed WHERE user_id=? AND problem=?",
                         (self.user, problem)) is not None

    def mark_lesson_read(self, lesson: str) -> None:
        self._write(("INSERT INTO lessons_read (user_id, lesson, ts) VALUES (?, ?, ?) "
                     "ON CONFLICT DO NOTHING", (self.user, lesson, self.clock())))

    def lessons_read(self) -> set[str]:
        return {r for (r,) in self._rows("SELECT lesson FROM lessons_read WHERE user_id=?",
                                         (self.user,))}

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one('SELECT value FROM settings WHERE user_id=? AND "key"=?',
                        (self.user, key))
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self._write(('INSERT INTO settings (user_id, "key", value) VALUES (?, ?, ?) '
                     'ON CONFLICT (user_id, "key") DO UPDATE SET value=excluded.value',
                     (self.user, key, value)))

    # -- the learner's code (server mode; the embedded mode keeps files in the workspace) ----
    def code(self, problem: str) -> str | None:
        row = self._one("SELECT text FROM code WHERE user_id=? AND problem=?",
                        (self.user, problem))
        return row[0] if row else None

    def save_code(self, problem: str, text: str) -> None:
        self._write(("INSERT INTO code (user_id, problem, text, ts) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (user_id, problem) DO UPDATE SET text=excluded.text, "
                     "ts=excluded.ts", (self.user, problem, text, self.clock())))

    # -- concept cards -------------------------------------------------------------------
    def record_review(self, card: str, ts: float, correct: bool, rating: str, reply: str,
                      fsrs_state: str, due: float) -> None:
        """One quiz answer and the card's new schedule, in one transaction."""
        u = self.user
        self._write(
            ("INSERT INTO card_reviews (user_id, card, ts, correct, rating, reply, due) "
             "VALUES (?,?,?,?,?,?,?)", (u, card, ts, int(correct), rating, reply[:500], due)),
            ("INSERT INTO card_state (user_id, card, fsrs, due, reviews, lapses) "
             "VALUES (?,?,?,?,1,?) ON CONFLICT (user_id, card) DO UPDATE SET "
             "fsrs=excluded.fsrs, due=excluded.due, reviews=card_state.reviews+1, "
             "lapses=card_state.lapses+excluded.lapses",
             (u, card, fsrs_state, due, int(not correct))))

    def card_states(self) -> dict[str, dict]:
        """card -> {fsrs, due, reviews, lapses} for every card reviewed at least once."""
        rows = self._rows("SELECT card, fsrs, due, reviews, lapses FROM card_state "
                          "WHERE user_id=?", (self.user,))
        return {c: {"fsrs": f, "due": d, "reviews": r, "lapses": lp} for c, f, d, r, lp in rows}

    def card_reviews(self, card: str | None = None) -> list[dict]:
        q = "SELECT card, ts, correct, rating, reply, due FROM card_reviews WHERE user_id=?"
        rows = self._rows(q + (" AND card=? ORDER BY id" if card else " ORDER BY id"),
                          (self.user, card) if card else (self.user,))
        return [dict(zip(_REVIEW_KEYS, r, strict=True)) for r in rows]
