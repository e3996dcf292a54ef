"""Shared fixtures: the fixture bank, one sandboxed worker per test session, a workspace."""

from __future__ import annotations

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
