"""Start a class server in one command: the database schema, the grading workers and the web app.

``torchdojo serve --server`` takes the PostgreSQL and Redis URLs from ``--database``/``--redis``
or ``TORCHDOJO_DATABASE_URL``/``TORCHDOJO_REDIS_URL``. With neither, it starts development
servers of its own (``services.Services``: loopback, a temporary directory, removed at exit) and
says so. Then it migrates the schema, makes sure an admin and an invite code exist (printing them
once), starts the worker supervisor (one grading worker per core) unless ``--workers 0`` (grading
hosts of their own run ``python -m torchdojo.server.worker``), and serves the app.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from torchdojo.server.worker import DB_ENV, REDIS_ENV


def ensure_admin(database_url: str, say: Callable[[str], None]) -> None:
    """First start: create the admin account and an invite code, and print both once."""
    from sqlalchemy import select

    from torchdojo.server import accounts
    from torchdojo.server.db import Database
    from torchdojo.server.schema import users

    db = Database(database_url, pool_size=1)
    try:
        with db.begin() as conn:
            has_admin = conn.execute(select(users.c.id).where(users.c.is_admin == 1)).first()
        if has_admin:
            return
        password = secrets.token_urlsafe(12)
        accounts.create_user(db, "admin", password, admin=True)
        code = accounts.create_invite(db, uses=200)
        say(f"admin account: name [bold]admin[/], password [bold]{password}[/] (shown once)")
        say(f"invite code for learners: [bold]{code}[/] (200 sign-ups, 14 days; more with "
            "`torchdojo server invite`)")
    finally:
        db.close()


def start_workers(n: int, database_url: str, redis_url: str, cache: Path) -> subprocess.Popen:
    env = dict(os.environ, **{DB_ENV: database_url, REDIS_ENV: redis_url})
    return subprocess.Popen([sys.executable, "-m", "torchdojo.server.worker", "--workers", str(n),
                             "--cache", str(cache)], env=env, stdin=subprocess.DEVNULL)


def serve(host: str, port: int, database_url: str | None, redis_url: str | None, workers: int,
          cache: Path, say: Callable[[str], None]) -> None:
    import uvicorn

    from torchdojo.server.db import upgrade
    from torchdojo.server.web import create_server_app

    database_url = database_url or os.environ.get(DB_ENV)
    redis_url = redis_url or os.environ.get(REDIS_ENV)
    services = None
    if not database_url and not redis_url:
        from torchdojo.server.services import Services

        services = Services.start()
        database_url, redis_url = services.postgres.url, services.redis.url
        say(f"development PostgreSQL and Redis on loopback, data in {services.root} "
            "(removed when this stops; give --database/--redis for a lasting server)")
    elif not (database_url and redis_url):
        raise SystemExit("give both --database and --redis (or neither, for development servers)")
    supervisor = None
    try:
        upgrade(database_url)
        ensure_admin(database_url, say)
        if workers > 0:
            supervisor = start_workers(workers, database_url, redis_url, cache)
            say(f"{workers} grading worker(s) starting (one warm grader each)")
        app = create_server_app(database_url, redis_url)
        say(f"torchdojo class server at [bold]http://{host}:{port}/[/] (Ctrl-C stops it)")
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        if supervisor is not None:
            supervisor.terminate()
            try:
                supervisor.wait(timeout=40)
            except subprocess.TimeoutExpired:
                supervisor.kill()
        if services is not None:
            services.stop()
