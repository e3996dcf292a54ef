"""Accounts of server mode: users, invite codes, sessions and the class's progress.

Passwords are hashed with argon2id (argon2-cffi's defaults). Invite codes and session tokens
are random secrets shown once; the database keeps only their SHA-256, so a copy of the
database opens no account. A session carries its own CSRF token, which every write must send
back in a header (the page reads it from its own HTML; another site cannot).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from torchdojo.server.db import Database
from torchdojo.server.schema import attempts, invites, sessions, solves, users

SESSION_S = 14 * 24 * 3600
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")
MIN_PASSWORD = 8
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not a password of anyone")  # verified when the name is unknown


class AccountError(ValueError):
    """A request the learner can correct: the message says how."""


@dataclass(frozen=True)
class Session:
    user: int
    name: str
    is_admin: bool
    csrf: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_name_password(name: str, password: str) -> str:
    name = name.strip().lower()
    if not NAME.fullmatch(name):
        raise AccountError("a name is 2 to 32 characters: lower-case letters, digits, _ . -")
    if len(password) < MIN_PASSWORD or len(password) > 256:
        raise AccountError(f"a password has {MIN_PASSWORD} to 256 characters")
    return name


def create_user(db: Database, name: str, password: str, admin: bool = False) -> int:
    """Add a user (the admin command and sign-up); AccountError when the name is taken."""
    name = _check_name_password(name, password)
    with db.begin() as conn:
        return _insert_user(conn, name, password, admin)


def _insert_user(conn: Connection, name: str, password: str, admin: bool) -> int:
    """The new user's id; AccountError when the name is taken."""
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise AccountError(f"the name {name!r} is taken")
    return int(conn.execute(insert(users).values(
        name=name, password_hash=_hasher.hash(password), is_admin=int(admin),
        created=time.time()).returning(users.c.id)).scalar_one())


def create_invite(db: Database, uses: int = 50, days: float = 14) -> str:
    """A new invite code good for ``uses`` sign-ups within ``days``; shown once."""
    code = secrets.token_urlsafe(12)
    now = time.time()
    with db.begin() as conn:
        conn.execute(insert(invites).values(code_hash=_digest(code), uses_left=uses,
                                            expires=now + days * 86400, created=now))
    return code


def sign_up(db: Database, name: str, password: str, invite: str) -> int:
    """A new learner with a valid invite code (one use of it); their user id."""
    name = _check_name_password(name, password)
    with db.begin() as conn:  # the use and the user in one transaction
        used = conn.execute(update(invites).where(
            invites.c.code_hash == _digest(invite.strip()), invites.c.uses_left > 0,
            invites.c.expires > time.time()).values(uses_left=invites.c.uses_left - 1))
        if used.rowcount != 1:
            raise AccountError("this invite code is not valid (unknown, used up or expired)")
        return _insert_user(conn, name, password, admin=False)


def log_in(db: Database, name: str, password: str) -> str:
    """A new session token for a right name and password; AccountError otherwise (the same
    message and about the same time whether the name exists or not)."""
    with db.begin() as conn:
        row = conn.execute(select(users.c.id, users.c.password_hash).where(
            users.c.name == name.strip().lower())).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise AccountError("wrong name or password")
    token, now = secrets.token_urlsafe(32), time.time()
    with db.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.expires < now))
        conn.execute(insert(sessions).values(token_hash=_digest(token), user_id=row.id,
                                             csrf=secrets.token_urlsafe(24), created=now,
                                             expires=now + SESSION_S))
    return token


def session(db: Database, token: str | None) -> Session | None:
    """The live session of a cookie's token, or None."""
    if not token or len(token) > 100:
        return None
    with db.begin() as conn:
        row = conn.execute(
            select(users.c.id, users.c.name, users.c.is_admin, sessions.c.csrf)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == _digest(token), sessions.c.expires > time.time())
        ).first()
    return Session(row.id, row.name, bool(row.is_admin), row.csrf) if row else None


def log_out(db: Database, token: str) -> None:
    with db.begin() as conn:
        conn.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))


def class_progress(db: Database) -> dict:
    """For the admin page: per problem, how many learners solved and attempted it; per
    learner, solved and attempted counts and the last activity. Counts only, no code."""
    with db.begin() as conn:
        learners = conn.execute(select(users.c.id, users.c.name).where(
            users.c.is_admin == 0).order_by(users.c.name)).all()
        solved = conn.execute(select(solves.c.problem, func.count()).group_by(
            solves.c.problem)).all()
        tried = conn.execute(select(attempts.c.problem, func.count(
            attempts.c.user_id.distinct()), func.count()).group_by(attempts.c.problem)).all()
        per_user_solved = dict(conn.execute(select(solves.c.user_id, func.count()).group_by(
            solves.c.user_id)).all())
        per_user = {r[0]: r[1:] for r in conn.execute(select(
            attempts.c.user_id, func.count(attempts.c.problem.distinct()), func.count(),
            func.max(attempts.c.ts)).group_by(attempts.c.user_id)).all()}
    problems: dict[str, dict] = {}
    for p, learners_n, n in tried:
        problems[p] = {"attempted_by": learners_n, "attempts": n, "solved_by": 0}
    for p, n in solved:
        problems.setdefault(p, {"attempted_by": 0, "attempts": 0})["solved_by"] = n
    return {"learners": [{"name": name, "solved": per_user_solved.get(uid, 0),
                          "attempted": per_user.get(uid, (0, 0, None))[0],
                          "attempts": per_user.get(uid, (0, 0, None))[1],
                          "last": per_user.get(uid, (0, 0, None))[2]} for uid, name in learners],
            "problems": problems}
