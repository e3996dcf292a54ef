"""The server's database: a SQLAlchemy engine (a pool of psycopg 3 connections to PostgreSQL),
its Alembic migrations, and stores per user.

Everything that cannot reach the database raises ``DatabaseUnavailable`` with a sentence for
the page, never a driver traceback.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from torchdojo.store import Store

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database did not answer (down, unreachable, refused our password)."""


def _unavailable(exc: BaseException) -> DatabaseUnavailable:
    first = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    why = first[0][:200] if first else type(exc).__name__
    return DatabaseUnavailable(f"the progress database is unreachable ({why})")


def alembic_config(url: str, connection: Connection | None = None) -> Any:
    """An Alembic configuration for ``url`` (no alembic.ini: the scripts ship in the package)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the newest schema (a no-op when it is there)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(url), "head")
    except OperationalError as exc:
        raise _unavailable(exc) from None


class Database:
    """A pool of connections to the server's database and the stores over it."""

    def __init__(self, url: str, pool_size: int = 8) -> None:
        self.url = url
        args = {"connect_timeout": 3} if url.startswith("postgresql") else {}
        self.engine: Engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                                            pool_pre_ping=True, pool_timeout=10,
                                            connect_args=args)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction (SQLAlchemy Core), committed when the block ends without error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, OperationalError) or exc.connection_invalidated:
                raise _unavailable(exc) from None
            raise

    @contextmanager
    def store(self, user: int) -> Iterator[Store]:
        """``user``'s store over a pooled connection in autocommit (each write is its own
        transaction, as in the embedded store)."""
        import psycopg

        try:
            raw = self.engine.raw_connection()
        except (OperationalError, DBAPIError) as exc:
            raise _unavailable(exc) from None
        conn = raw.driver_connection
        try:
            conn.autocommit = True
            yield Store.on(conn, user, clock=time.time)
        except psycopg.OperationalError as exc:
            raw.invalidate()
            raise _unavailable(exc) from None
        finally:
            if not conn.closed:
                conn.autocommit = False
            raw.close()

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers now."""
        from sqlalchemy import text

        with self.begin() as conn:
            conn.execute(text("SELECT 1"))
