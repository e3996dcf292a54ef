"""A session-wide PostgreSQL + Redis pair for tests that need the real servers.

Import the fixture into a test module (``tests`` is not a package; pytest puts ``tests/`` on
``sys.path`` because of ``tests/conftest.py``)::

    from services_fixture import services  # noqa: F401

Tests get ``services.postgres.url`` / ``services.redis.url`` (or ``.connect()`` / ``.client()``).
Where the binaries are missing the tests are skipped with the install hint, so the suite still
runs on a machine without them; ``TORCHDOJO_REQUIRE_SERVICES=1`` turns that skip into a failure.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from torchdojo.server.services import ServiceError, Services, find_postgres_bin, find_redis_server


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    try:
        find_postgres_bin()
        find_redis_server()
    except ServiceError as e:
        if os.environ.get("TORCHDOJO_REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(str(e))
    svc = Services.start(tmp_path_factory.mktemp("services"))
    yield svc
    svc.stop(remove=True)  # the cluster may live outside the tmp dir (see services.py): delete it


@contextmanager
def grading_workers(svc: Services, cache: Path, workers: int = 1) -> Iterator[subprocess.Popen]:
    """The migrated database and one supervisor of ``workers`` RQ grading workers on ``svc``
    (as ``torchdojo serve --server`` runs them); stopped with SIGTERM at the end."""
    from torchdojo.server.db import upgrade
    from torchdojo.server.launch import start_workers

    upgrade(svc.postgres.url)
    sup = start_workers(workers, svc.postgres.url, svc.redis.url, cache)
    try:
        yield sup
    finally:
        sup.send_signal(signal.SIGTERM)
        try:
            sup.wait(timeout=40)
        except subprocess.TimeoutExpired:
            sup.kill()


def page_token(client: Any) -> str:
    """The CSRF token the signed-in page of ``client`` (a TestClient) carries: what app.js
    sends in ``X-Torchdojo-Token``."""
    return re.search(r'torchdojo-token" content="([^"]+)"', client.get("/").text).group(1)
