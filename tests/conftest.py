"""Shared fixtures: the fixture bank, one sandboxed worker per test session, a workspace."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from torchdojo.bank import load_problem
from torchdojo.grader.runner import ZygoteRunner
from torchdojo.grader.worker import Worker

FIXTURES = Path(__file__).parent / "fixtures" / "bank"


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Worker:
    runner = ZygoteRunner()
    w = Worker(runner, cache_dir=tmp_path_factory.mktemp("refs"))
    yield w
    runner.close()


class WorkerPool:
    """The session's worker plus spare ones on other cores: ``grade`` may be called from several
    threads at once, each call on a worker of its own (what ``validate_problem(jobs=...)`` needs).
    Spares start on first use; all share the first worker's reference cache."""

    def __init__(self, first: Worker, size: int) -> None:
        self.size, self._first, self._spares = size, first, []
        self._free: queue.Queue[Worker] = queue.Queue()
        self._free.put(first)
        self._lock = threading.Lock()  # guards starting a spare

    def grader(self, problem) -> Callable[[str, str, str], object]:  # type: ignore[no-untyped-def]
        def grade(_pid: str, source: str, filename: str):  # type: ignore[no-untyped-def]
            w = self._take()
            try:
                return w.grade(problem, source, filename=filename)
            finally:
                self._free.put(w)
        return grade

    def _take(self) -> Worker:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if 1 + len(self._spares) < self.size:
                self._spares.append(Worker(ZygoteRunner(), cache_dir=self._first.cache_dir))
                return self._spares[-1]
        return self._free.get()

    def close(self) -> None:
        for w in self._spares:
            w.runner.close()


@pytest.fixture(scope="session")
def worker_pool(worker: Worker) -> WorkerPool:
    """Two workers where there are two cores (the bank's validation takes half the time)."""
    pool = WorkerPool(worker, size=min(2, os.cpu_count() or 1))
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def add_problem():
    return load_problem(FIXTURES / "01_fixture" / "fixture_add")


@pytest.fixture(scope="session")
def judges_problem():
    return load_problem(FIXTURES / "01_fixture" / "fixture_judges")


@pytest.fixture(scope="session")
def parallel_problem():
    return load_problem(FIXTURES / "01_fixture" / "fixture_parallel")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ws = tmp_path / "ws"
    monkeypatch.setenv("TORCHDOJO_WORKSPACE", str(ws))
    return ws
