"""Real PostgreSQL and Redis on loopback (torchdojo.server.services): passwords, loopback
only, data across stop/start, restart and crash, cleanup, the install hint for a missing binary."""

from __future__ import annotations

import os
import time
from pathlib import Path

import psycopg
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from services_fixture import services  # noqa: F401
from torchdojo.server import services as svc_mod
from torchdojo.server.services import Postgres, Redis, ServiceError, Services

NO_RETRY = Retry(NoBackoff(), 0)  # redis-py retries failed connections for seconds by default


def test_postgres_password_required(services: Services) -> None:  # noqa: F811
    pg = services.postgres
    assert pg.url.startswith(f"postgresql+psycopg://torchdojo:{pg.password}@127.0.0.1:{pg.port}/")
    with pg.connect() as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == (
            "torchdojo", "torchdojo",
        )
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        pg.connect(password=pg.password + "x")
    # the libpq URL form (without SQLAlchemy's "+psycopg") works too
    with psycopg.connect(pg.url.replace("+psycopg", "", 1)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_postgres_listens_on_loopback_only(services: Services) -> None:  # noqa: F811
    with services.postgres.connect() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW fsync").fetchone() == ("on",)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


def test_postgres_data_survives_stop_start_and_kill(services: Services) -> None:  # noqa: F811
    pg = services.postgres
    port, password = pg.port, pg.password
    with pg.connect() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS t_services (v text)")
        conn.execute("INSERT INTO t_services VALUES ('before stop')")
    pg.stop()
    pg.stop()  # twice is fine
    assert pg.pid is None
    with pytest.raises(psycopg.OperationalError):
        pg.connect(connect_timeout=2)
    pg.start()
    assert (pg.port, pg.password) == (port, password)
    with pg.connect() as conn:
        assert ("before stop",) in conn.execute("SELECT v FROM t_services").fetchall()
        conn.execute("INSERT INTO t_services VALUES ('before kill')")  # committed on exit
    old = pg.pid
    pg.kill()
    assert old is not None and not _alive(old)
    pg.start()
    with pg.connect() as conn:
        rows = conn.execute("SELECT v FROM t_services").fetchall()
    assert ("before kill",) in rows and ("before stop",) in rows


def test_redis_password_required(services: Services) -> None:  # noqa: F811
    r = services.redis
    assert r.url == f"redis://:{r.password}@127.0.0.1:{r.port}/0"
    assert r.client().ping()
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=r.port, retry=NO_RETRY).ping()
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=r.port, password="wrong", retry=NO_RETRY).ping()
    assert r.client().config_get("bind")["bind"] == "127.0.0.1"


def test_redis_data_survives_restart_and_kill(services: Services) -> None:  # noqa: F811
    r = services.redis
    port, password = r.port, r.password
    r.client().set("k-restart", "1")
    r.restart()
    assert (r.port, r.password) == (port, password)
    assert r.client().get("k-restart") == b"1"
    r.client().set("k-kill", "2")
    time.sleep(1.5)  # appendfsync everysec: on disk within a second
    old = r.pid
    r.kill()
    assert old is not None and not _alive(old)
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(r.url, socket_connect_timeout=1, retry=NO_RETRY).ping()
    r.start()
    c = r.client()
    assert (c.get("k-restart"), c.get("k-kill")) == (b"1", b"2")
    r.stop()
    r.stop()  # twice is fine
    r.start()


def test_services_temp_root_removed() -> None:
    svc = Services.start()
    root = svc.root
    assert root.name.startswith("torchdojo-services-") and root.is_dir()
    pids = [svc.postgres.pid, svc.redis.pid]
    with svc.postgres.connect() as conn:
        conn.execute("SELECT 1")
    svc.stop()
    assert not root.exists()
    assert not any(_alive(p) for p in pids if p is not None)
    svc.stop()  # twice is fine


def test_context_managers(tmp_path: Path) -> None:
    with Redis(tmp_path) as r:
        assert r.client().ping()
        pid = r.pid
    assert pid is not None and not _alive(pid) and r.pid is None


def test_missing_binaries_say_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc_mod, "PG_GLOB", str(tmp_path / "nowhere" / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ServiceError, match=r"bash scripts/services\.sh"):
        svc_mod.find_postgres_bin()
    with pytest.raises(ServiceError, match=r"bash scripts/services\.sh"):
        svc_mod.find_redis_server()
    with pytest.raises(ServiceError, match=r"bash scripts/services\.sh"):
        Postgres(tmp_path / "pg-root").start()
    with pytest.raises(ServiceError, match=r"bash scripts/services\.sh"):
        Redis(tmp_path / "redis-root").start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # reaped by us, but a reused pid or a zombie of another parent reads as alive: check state
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
        return raw[raw.rfind(")") + 2 :].split()[0] != "Z"
    except OSError:
        return True


