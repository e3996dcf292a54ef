"""Real PostgreSQL and Redis servers on loopback, with their data under one directory.

What: ``Postgres(root)`` and ``Redis(root)`` start the Debian-packaged servers as child processes
listening on 127.0.0.1 only, on free TCP ports, with random passwords, and give SQLAlchemy / redis
URLs; ``Services.start()`` runs both under one (temporary) root. ``python -m
torchdojo.server.services`` does the same for development and prints the URLs.

Why: the server mode (PostgreSQL + Redis + RQ) is developed and tested against the real servers,
not mocks, and without touching any system-wide cluster or instance: nothing here needs a service
manager, a fixed port or a system configuration file; ``bash scripts/services.sh`` installs the
binaries and nothing more.

Lifetimes: both servers are children of the calling process (no daemonizing, no ``pg_ctl``) and
get a Linux parent-death signal, so they go when it dies, however it dies. The kernel sends that
signal when the *thread* that started them exits: start them from a thread that lives as long as
they should (the main thread, normally).

Root: PostgreSQL refuses to run as root. When the caller is root the cluster runs as the
``postgres`` system user (from the Debian package) and its directories are owned by it. That user
must be able to traverse to the data directory: if ``root`` itself is the only directory in the way
it gets the search bit for others (0700 -> 0711: others may pass, not list); if a directory above it
is closed (pytest's ``/tmp/pytest-of-root`` is 0700), the cluster lives in a directory of its own,
``$TMPDIR/torchdojo-pg-*``, that ``root/"pg"`` links to, and that ``Postgres.destroy()`` (or
``Services.stop(remove=True)``) removes. Redis runs as the caller.

State that must survive a restart (ports, passwords, the data directory's place) is kept in
``root/"pg.json"`` and ``root/"redis.json"`` (mode 0600), so a second ``Postgres(root)`` on the same
root, e.g. the CLI run again with the same ``--root``, finds the cluster's password.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

PG_GLOB = "/usr/lib/postgresql/*/bin"  # the Debian layout; one directory per major version
HOST = "127.0.0.1"
PG_USER = "torchdojo"
PG_DATABASE = "torchdojo"
PG_SYSTEM_USER = "postgres"  # who runs the cluster when we are root
PG_START_TIMEOUT = 30.0
REDIS_START_TIMEOUT = 15.0
STOP_TIMEOUT = 30.0
INSTALL_HINT = "run `bash scripts/services.sh` to install it"

_PR_SET_PDEATHSIG = 1


class ServiceError(RuntimeError):
    """A server is not installed, did not start in time, or exited unexpectedly."""


# --- binaries ---------------------------------------------------------------------------------


def _is_exe(p: Path) -> bool:
    return p.is_file() and os.access(p, os.X_OK)


def _pg_version(d: str) -> tuple[int, ...]:
    """``/usr/lib/postgresql/15/bin`` -> (15,): sort numerically, not as text (9 < 10)."""
    name = Path(d).parent.name
    try:
        return tuple(int(x) for x in name.split("."))
    except ValueError:
        return (-1,)


def find_postgres_bin() -> Path:
    """The bin directory of the newest PostgreSQL server (``postgres`` and ``initdb``).

    Looks in the Debian layout first (``PG_GLOB``), then asks ``pg_config --bindir``: Debian keeps
    the server binaries off ``PATH``, other systems put them on it.
    """
    for d in sorted(glob.glob(PG_GLOB), key=_pg_version, reverse=True):
        b = Path(d)
        if _is_exe(b / "postgres") and _is_exe(b / "initdb"):
            return b
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out and _is_exe(Path(out) / "postgres") and _is_exe(Path(out) / "initdb"):
            return Path(out)
    raise ServiceError(
        f"PostgreSQL server binaries (postgres, initdb) not found in {PG_GLOB} "
        f"nor via pg_config --bindir; {INSTALL_HINT}"
    )


def find_redis_server() -> Path:
    """The ``redis-server`` binary on ``PATH``."""
    p = shutil.which("redis-server")
    if p is None:
        raise ServiceError(f"redis-server not found on PATH; {INSTALL_HINT}")
    return Path(p)


# --- helpers ----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the kernel's pick; the server binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def _death_signal(sig: int) -> Callable[[], None]:
    """A ``preexec_fn`` that makes the child get ``sig`` when its parent dies (Linux only).

    It runs after ``Popen``'s user/group switch (a credential change clears the setting), and exits
    at once if the parent is already gone (it died between fork and prctl).
    """
    parent = os.getpid()

    def preexec() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)

    return preexec


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


def _load_state(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


def _save_state(path: Path, state: dict[str, Any]) -> None:
    """Write ``state`` (it holds passwords) readable by the owner only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, path)


def _private_file(path: Path) -> None:
    """Create ``path`` if missing, readable by the owner only (server logs may quote secrets)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))


def _can_search(path: Path, uid: int, gids: set[int]) -> bool:
    """Whether ``uid`` may traverse ``path`` (mode bits only; ACLs are not read)."""
    if uid == 0:
        return True
    st = path.stat()
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in gids:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _wait_exit(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _children_of(pid: int) -> list[int]:
    """The direct children of ``pid``, read from /proc (empty where there is no /proc)."""
    kids = []
    for d in glob.glob("/proc/[0-9]*/stat"):
        try:
            raw = Path(d).read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and ")", so split after the last ")".
        fields = raw[raw.rfind(")") + 2 :].split()
        if len(fields) > 1 and fields[1] == str(pid):
            kids.append(int(d.split("/")[2]))
    return kids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purposes
        raw = Path(f"/proc/{pid}/stat").read_text()
        return raw[raw.rfind(")") + 2 :].split()[0] != "Z"
    except OSError:
        return True


# --- the shape of both servers ----------------------------------------------------------------


class _Service:
    """What the two servers share: a root directory with a log and a JSON state file (port,
    password, ...), the child process, and the properties read from that state."""

    name = "the service"

    def __init__(self, root: Path, stem: str) -> None:
        self.root = Path(root).absolute()
        self.log_path = self.root / f"{stem}.log"
        self._state_path = self.root / f"{stem}.json"
        self._state = _load_state(self._state_path)
        self._proc: subprocess.Popen[bytes] | None = None
        self._started_once = False

    @property
    def password(self) -> str:
        return str(self._state["password"])

    @property
    def port(self) -> int:
        return int(self._state["port"])

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _need_started(self) -> None:
        if "password" not in self._state:
            raise ServiceError(f"{self.name} has not been started yet")

    def start(self) -> Any:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# --- PostgreSQL -------------------------------------------------------------------------------


class Postgres(_Service):
    """One PostgreSQL cluster whose data lives at ``root/"pg"``, served on 127.0.0.1.

    The first ``start()`` runs initdb (UTF8, scram-sha-256 for every connection, superuser
    ``torchdojo`` with a random password) and creates the database ``torchdojo``. Later starts,
    after ``stop()`` or ``kill()``, reuse the data, the port and the password.
    """

    name = "Postgres"

    def __init__(self, root: Path) -> None:
        super().__init__(root, "pg")

    # - public -

    @property
    def data_dir(self) -> Path:
        """The real data directory (``root/"pg"``, or where that link points when root)."""
        return Path(self._state["data"])

    @property
    def url(self) -> str:
        """``postgresql+psycopg://torchdojo:PASSWORD@127.0.0.1:PORT/torchdojo`` (SQLAlchemy)."""
        self._need_started()
        return (
            f"postgresql+psycopg://{PG_USER}:{quote(self.password, safe='')}"
            f"@{HOST}:{self.port}/{PG_DATABASE}"
        )

    def connect(self, dbname: str = PG_DATABASE, **kw: Any) -> Any:
        """A psycopg connection as ``torchdojo`` over TCP (``kw`` goes to ``psycopg.connect``)."""
        import psycopg

        args: dict[str, Any] = dict(
            host=HOST, port=self.port, user=PG_USER, password=self.password,
            dbname=dbname, connect_timeout=5,
        )
        args.update(kw)
        return psycopg.connect(**args)

    def start(self) -> Postgres:
        """Initialise the cluster if new, start the postmaster, wait until it takes connections."""
        if self.pid is not None:
            return self
        bindir = find_postgres_bin()
        self.root.mkdir(parents=True, exist_ok=True)
        self._prepare_dirs()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(bindir)
        for attempt in range(3):
            if not self._started_once and not _port_free(self.port):
                self._state["port"] = free_port()  # never served here: a new port is fine
                _save_state(self._state_path, self._state)
            try:
                self._launch(bindir)
                break
            except ServiceError:
                if attempt < 2 and not self._started_once and self._port_clash():
                    continue
                raise
        self._ensure_database()
        self._started_once = True
        return self

    def stop(self, fast: bool = True) -> None:
        """Shut the server down: fast (SIGINT: roll back sessions) or smart (SIGTERM: wait for
        clients to leave). Safe to call when stopped."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGINT if fast else signal.SIGTERM)
            if not _wait_exit(proc, STOP_TIMEOUT):
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGQUIT)  # immediate shutdown
                if not _wait_exit(proc, 10):
                    proc.kill()
                    proc.wait()
        self._close_log()

    def kill(self) -> None:
        """Crash the server: SIGKILL the postmaster and its children (as a power cut would).

        The children go too, and are waited for, so that the next ``start()`` finds no process
        attached to the old shared memory and runs crash recovery at once.
        """
        proc, self._proc = self._proc, None
        if proc is None:
            return
        kids = _children_of(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        for k in kids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(k, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.02)
        self._close_log()

    def destroy(self) -> None:
        """Stop and delete the cluster (data, socket directory, state; the outside directory)."""
        self.stop()
        ext = self._state.get("external")
        if ext:
            shutil.rmtree(ext, ignore_errors=True)
        for p in (self.root / "pg", self.root / "pg-sock"):
            if p.is_symlink():
                p.unlink()
            else:
                shutil.rmtree(p, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            self._state_path.unlink()
        self._state = {}
        self._started_once = False

    # - internals -

    def _run_as(self) -> tuple[int, int, list[int]] | None:
        """(uid, gid, groups) of the ``postgres`` user when we are root, else None (ourselves)."""
        if os.geteuid() != 0:
            return None
        try:
            pw = pwd.getpwnam(PG_SYSTEM_USER)
        except KeyError:
            raise ServiceError(
                f"running as root, and PostgreSQL refuses root: the {PG_SYSTEM_USER!r} system user "
                f"is missing; {INSTALL_HINT} (the postgresql package creates it)"
            ) from None
        return pw.pw_uid, pw.pw_gid, os.getgrouplist(pw.pw_name, pw.pw_gid)

    def _prepare_dirs(self) -> None:
        """Decide (once) where data and socket live, create them, give them to the server's user."""
        as_ = self._run_as()
        if "data" not in self._state:
            home = self.root
            if as_ is not None:
                uid, _gid, groups = as_
                gids = set(groups)
                above_ok = all(_can_search(p, uid, gids) for p in self.root.parents)
                if above_ok and not _can_search(self.root, uid, gids):
                    os.chmod(self.root, stat.S_IMODE(self.root.stat().st_mode) | stat.S_IXOTH)
                if not (above_ok and _can_search(self.root, uid, gids)):
                    home = Path(tempfile.mkdtemp(prefix="torchdojo-pg-"))
                    if not all(_can_search(p, uid, gids) for p in home.parents):
                        shutil.rmtree(home, ignore_errors=True)
                        raise ServiceError(
                            f"the {PG_SYSTEM_USER!r} user can reach neither {self.root} nor "
                            f"{home.parent}; pass a root under a directory it can traverse"
                        )
                    self._state["external"] = str(home)
            data = self.root / "pg" if home == self.root else home / "data"
            sock = self.root / "pg-sock" if home == self.root else home / "sock"
            self._state.update(
                data=str(data), sock=str(sock), port=free_port(),
                password=secrets.token_urlsafe(24),
            )
            _save_state(self._state_path, self._state)
        data, sock = self.data_dir, Path(self._state["sock"])
        ext = self._state.get("external")
        for d in ([Path(ext)] if ext else []) + [data, sock]:
            d.mkdir(parents=True, exist_ok=True)
            if as_ is not None:
                os.chown(d, as_[0], as_[1])
            os.chmod(d, 0o700)
        link = self.root / "pg"
        if ext and not link.exists() and not link.is_symlink():
            link.symlink_to(data)

    def _popen_kw(self) -> dict[str, Any]:
        as_ = self._run_as()
        kw: dict[str, Any] = dict(cwd=self.data_dir.parent, stdin=subprocess.DEVNULL)
        if as_ is not None:
            uid, gid, groups = as_
            kw.update(user=uid, group=gid, extra_groups=groups)
            env = dict(os.environ, HOME=pwd.getpwuid(uid).pw_dir, USER=PG_SYSTEM_USER)
            env["LOGNAME"] = PG_SYSTEM_USER
            kw["env"] = env
        return kw

    def _initdb(self, bindir: Path) -> None:
        as_ = self._run_as()
        pwfile = self.data_dir.parent / f".pwfile-{secrets.token_hex(4)}"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self.password + "\n")
        if as_ is not None:
            os.chown(pwfile, as_[0], as_[1])
        try:
            r = subprocess.run(
                [
                    str(bindir / "initdb"), "-D", str(self.data_dir), "-U", PG_USER,
                    f"--pwfile={pwfile}", "--encoding=UTF8", "--locale=C",
                    "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                    "--no-instructions",
                ],
                capture_output=True, text=True, timeout=120, **self._popen_kw(),
            )
        finally:
            pwfile.unlink(missing_ok=True)
        _private_file(self.log_path)
        with open(self.log_path, "a") as log:
            log.write(r.stdout + r.stderr)
        if r.returncode != 0:
            raise ServiceError(f"initdb failed ({r.returncode}):\n{_tail(self.log_path)}")

    def _launch(self, bindir: Path) -> None:
        """Start ``postgres -D`` as our child (stderr to the log) and wait for a real login."""
        import psycopg

        _private_file(self.log_path)
        self._log = open(self.log_path, "ab")  # closed in stop()/kill()
        self._log_start = self._log.tell()
        cmd = [
            str(bindir / "postgres"), "-D", str(self.data_dir),
            "-c", f"listen_addresses={HOST}",
            "-c", f"port={self.port}",
            "-c", f"unix_socket_directories={self._state['sock']}",
            "-c", "shared_buffers=32MB",
            "-c", "logging_collector=off",
        ]
        self._proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT,
            preexec_fn=_death_signal(signal.SIGINT), **self._popen_kw(),
        )
        deadline = time.monotonic() + PG_START_TIMEOUT
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                self._close_log()
                raise ServiceError(
                    f"postgres exited ({code}) while starting; log {self.log_path}:\n"
                    f"{_tail(self.log_path)}"
                )
            try:
                self.connect("postgres", connect_timeout=2).close()
                return
            except psycopg.OperationalError as e:
                last = e
                time.sleep(0.05)
        self.stop()
        raise ServiceError(
            f"postgres did not accept connections on {HOST}:{self.port} within "
            f"{PG_START_TIMEOUT:.0f} s (last error: {last}); log {self.log_path}:\n"
            f"{_tail(self.log_path)}"
        )

    def _port_clash(self) -> bool:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_start)
                return b"Address already in use" in f.read()
        except (OSError, AttributeError):
            return False

    def _close_log(self) -> None:
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()
            self._log = None

    def _ensure_database(self) -> None:
        with self.connect("postgres", autocommit=True) as conn:
            row = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_DATABASE,)
            ).fetchone()
            if row is None:
                conn.execute(f'CREATE DATABASE "{PG_DATABASE}" OWNER "{PG_USER}"')


# --- Redis ------------------------------------------------------------------------------------


class Redis(_Service):
    """One redis-server on 127.0.0.1 with a password, data in ``root/"redis"``, in an
    append-only file fsynced every second (a SIGKILL loses at most the last second of the queue;
    a restart loses nothing). Redis holds only the queue: attempts are recorded in PostgreSQL,
    and fsyncing every write made the queue the bottleneck under load."""

    name = "Redis"

    def __init__(self, root: Path) -> None:
        super().__init__(root, "redis")
        self.data_dir = self.root / "redis"
        self.conf_path = self.root / "redis.conf"

    @property
    def url(self) -> str:
        """``redis://:PASSWORD@127.0.0.1:PORT/0``."""
        self._need_started()
        return f"redis://:{quote(self.password, safe='')}@{HOST}:{self.port}/0"

    def client(self, **kw: Any) -> Any:
        """A ``redis.Redis`` client for this server (``kw`` goes to ``from_url``)."""
        import redis

        return redis.Redis.from_url(self.url, **kw)

    def start(self) -> Redis:
        """Write the config, start redis-server as our child, wait until PING answers."""
        if self.pid is not None:
            return self
        exe = find_redis_server()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if "password" not in self._state:
            self._state.update(port=free_port(), password=secrets.token_urlsafe(24))
        if not self._started_once and not _port_free(self.port):
            self._state["port"] = free_port()
        _save_state(self._state_path, self._state)
        self._write_conf()
        _private_file(self.log_path)
        self._log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        self._proc = subprocess.Popen(
            [str(exe), str(self.conf_path)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.root,
            preexec_fn=_death_signal(signal.SIGTERM),
        )
        self._wait_ready()
        self._started_once = True
        return self

    def stop(self) -> None:
        """SIGTERM (redis shuts down, the AOF fsynced) and wait. Safe to call when stopped."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            if not _wait_exit(proc, STOP_TIMEOUT):
                proc.kill()
                proc.wait()

    def kill(self) -> None:
        """Crash the server (SIGKILL) and reap it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()

    def restart(self) -> Redis:
        """``stop()`` then ``start()``: same port, password and data."""
        self.stop()
        return self.start()

    def _write_conf(self) -> None:
        conf = "\n".join([
            f"bind {HOST}",
            "protected-mode yes",
            f"port {self.port}",
            f'requirepass "{self.password}"',
            f'dir "{self.data_dir}"',
            "appendonly yes",
            "appendfsync everysec",  # the queue; attempts are in PostgreSQL
            'save ""',
            "daemonize no",
            "supervised no",
            f'logfile "{self.log_path}"',
            "",
        ])
        fd = os.open(self.conf_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(conf)

    def _wait_ready(self) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        assert self._proc is not None
        deadline = time.monotonic() + REDIS_START_TIMEOUT
        last: Exception | None = None
        # no client-side retries (redis-py backs off for seconds): this loop is the retry
        client = self.client(
            socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
        )
        try:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    code, self._proc = self._proc.returncode, None
                    raise ServiceError(
                        f"redis-server exited ({code}) while starting; log {self.log_path}:\n"
                        f"{_tail(self.log_path)}"
                    )
                try:
                    if client.ping():
                        return
                except redis.exceptions.RedisError as e:  # refused, or still loading the AOF
                    last = e
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        raise ServiceError(
            f"redis-server did not answer PING on {HOST}:{self.port} within "
            f"{REDIS_START_TIMEOUT:.0f} s (last error: {last}); log {self.log_path}:\n"
            f"{_tail(self.log_path)}"
        )


# --- both ---------------------------------------------------------------------------------------


class Services:
    """PostgreSQL and Redis under one root. Build with ``Services.start(root)``."""

    def __init__(self, root: Path, owns_root: bool) -> None:
        self.root = root
        self.owns_root = owns_root
        self.postgres = Postgres(root)
        self.redis = Redis(root)

    @classmethod
    def start(cls, root: Path | None = None) -> Services:
        """Start both; with no ``root`` in a new temporary directory that ``stop()`` removes."""
        if root is None:
            svc = cls(Path(tempfile.mkdtemp(prefix="torchdojo-services-")), owns_root=True)
        else:
            Path(root).mkdir(parents=True, exist_ok=True)
            svc = cls(Path(root).absolute(), owns_root=False)
        try:
            svc.postgres.start()
            svc.redis.start()
        except BaseException:
            svc.stop()
            raise
        return svc

    def stop(self, remove: bool | None = None) -> None:
        """Stop both (safe twice). ``remove`` (default: whether ``start`` made the root) also
        deletes the data: the root and the cluster's directory outside it, if any."""
        self.redis.stop()
        self.postgres.stop()
        if self.owns_root if remove is None else remove:
            self.postgres.destroy()
            shutil.rmtree(self.root, ignore_errors=True)

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.postgres.url, "REDIS_URL": self.redis.url}

    def __enter__(self) -> Services:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    """Start both servers, print their URLs as ``KEY=VALUE`` lines, serve until SIGINT/SIGTERM."""
    ap = argparse.ArgumentParser(
        prog="python -m torchdojo.server.services",
        description="PostgreSQL and Redis on 127.0.0.1 for torchdojo's server mode.",
    )
    ap.add_argument("--root", type=Path, help="data directory, kept (default: a temporary one)")
    args = ap.parse_args(argv)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    try:
        svc = Services.start(args.root)
    except ServiceError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    try:
        for k, v in svc.env().items():
            print(f"{k}={v}")
        print(f"# data in {svc.root}; Ctrl-C stops", file=sys.stderr)
        sys.stdout.flush()
        while not done.wait(1):
            pass
    finally:
        svc.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
