"""The progress schema, once, as SQLAlchemy metadata: the source of the Alembic migrations
(PostgreSQL in server mode) and the yardstick of the embedded SQLite store's own DDL.

Every learner's row carries ``user_id``; the embedded store has one user, ``LOCAL_USER``.
Flags are integers (0/1) and times are Unix seconds as floats in both databases, so the same
SQL reads and writes both. ``tests/test_server_store.py`` compares this metadata with a
migrated PostgreSQL database and with a database the embedded store created: a column added in
one place and not the others fails there.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

metadata = MetaData()


def _user(primary: bool = False) -> Column:
    """The owner of a row; deleting a user deletes their rows."""
    return Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, primary_key=primary)


users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id; '' for the embedded local user
    Column("is_admin", Integer, nullable=False),
    Column("created", Float, nullable=False),
)

attempts = Table(
    "attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _user(),
    Column("problem", Text, nullable=False),
    Column("ts", Float, nullable=False),
    Column("status", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("errored", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    # the queue's job id: a job run twice (its worker was killed) records one attempt
    Column("job", Text, nullable=True, unique=True),
    Index("attempts_user_problem", "user_id", "problem"),
)


def _per_user(name: str, key: str, *columns: Column) -> Table:
    """A table with one row per (user, key)."""
    return Table(name, metadata, _user(primary=True),
                 Column(key, Text, nullable=False, primary_key=True), *columns)


solves = _per_user("solves", "problem", Column("ts", Float, nullable=False))
hints = _per_user("hints", "problem", Column("revealed", Integer, nullable=False))
solutions_viewed = _per_user("solutions_viewed", "problem", Column("ts", Float, nullable=False),
                             Column("after_pass", Integer, nullable=False))
lessons_read = _per_user("lessons_read", "lesson", Column("ts", Float, nullable=False))
settings = _per_user("settings", "key", Column("value", Text, nullable=False))
card_state = _per_user("card_state", "card", Column("fsrs", Text, nullable=False),
                       Column("due", Float, nullable=False),
                       Column("reviews", Integer, nullable=False),
                       Column("lapses", Integer, nullable=False))
# the learner's file of each problem: the workspace holds it in embedded mode, this in server mode
code = _per_user("code", "problem", Column("text", Text, nullable=False),
                 Column("ts", Float, nullable=False))

card_reviews = Table(
    "card_reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _user(),
    Column("card", Text, nullable=False),
    Column("ts", Float, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("rating", Text, nullable=False),
    Column("reply", Text, nullable=False),
    Column("due", Float, nullable=False),
    Index("card_reviews_user_card", "user_id", "card"),
)

# -- accounts (server mode) ----------------------------------------------------------------------
invites = Table(
    "invites", metadata,
    Column("code_hash", Text, primary_key=True),  # sha256 of the code: the code itself is a secret
    Column("uses_left", Integer, nullable=False),
    Column("expires", Float, nullable=False),
    Column("created", Float, nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", Text, primary_key=True),  # sha256 of the cookie's token
    _user(),
    Column("csrf", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index("sessions_user", "user_id"),
)

