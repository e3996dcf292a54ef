"""References stay secret: code under grading cannot read the bank's solutions, import its way to
them, or replay the reference cache. Each cheat is shown to work without the sandbox (so the
test could fail), then to get no pass inside it."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from torchdojo.bank import Bank
from torchdojo.grader import landlock, linux, sandbox
from torchdojo.grader.runner import PlainRunner, ZygoteRunner
from torchdojo.grader.worker import Worker

PID = "tensor_numpy_bridge"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # outside /tmp: the sandbox's private /tmp would hide it anyway, which proves nothing
    root = Path.home() / f".torchdojo-test-ws-{os.getpid()}"
    root.mkdir()
    yield root
    import shutil

    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def sandboxed(ws: Path) -> Worker:
    runner = ZygoteRunner(hide=[ws])
    yield Worker(runner, cache_dir=ws / ".torchdojo" / "cache" / "refs")
    runner.close()


@pytest.fixture(scope="module")
def unsandboxed(ws: Path) -> Worker:
    return Worker(PlainRunner(), cache_dir=ws / ".torchdojo" / "cache" / "refs")


def _cheats(problem_dir: Path, cache_dir: Path) -> dict[str, str]:
    solution = problem_dir / "solution.py"
    return {
        # read the installed package's solution.py and run it as our own
        "read_solution": f"exec(open({str(solution)!r}).read())\n",
        # let the bank find it for us
        "import_bank": textwrap.dedent(f"""
            from torchdojo.bank import Bank
            exec(Bank().get({PID!r}).read("solution.py"))
            """),
        # make every probe return what the reference returned, from the worker's cache
        "replay_cache": textwrap.dedent(f"""
            import gc, glob
            from torchdojo.grader import codec, protocol
            from torchdojo.probes import Probe
            path = glob.glob({str(cache_dir)!r} + "/{PID}-*.refs")[0]
            (header, blob), = protocol.FrameReader(1 << 20, 1 << 26).feed(open(path, "rb").read())
            refs, pos = {{}}, 0
            for name, size in zip(header["names"], header["sizes"]):
                refs[name] = codec.decode(blob[pos:pos + size])
                pos += size
            for obj in gc.get_objects():
                if isinstance(obj, Probe) and obj.name in refs:
                    obj.fn = lambda m, obs=refs[obj.name]: obs
            def to_numpy(t): pass
            def from_numpy_shared(a): pass
            def copy_from_numpy(a): pass
            """),
    }


@pytest.mark.parametrize("cheat", ["read_solution", "import_bank", "replay_cache"])
def test_cheats_that_work_unsandboxed_get_no_pass_in_the_sandbox(sandboxed, unsandboxed,
                                                                  cheat: str) -> None:
    problem = Bank().get(PID)
    assert sandboxed.grade(problem, problem.read("solution.py")).passed  # fills the cache
    code = _cheats(problem.path, sandboxed.cache_dir)[cheat]
    works = unsandboxed.grade(problem, code)
    assert works.passed, ("the cheat should pass without a sandbox, or this test proves "
                          "nothing: " + works.to_json())
    res = sandboxed.grade(problem, code)
    assert not res.passed, res.to_json()


def test_the_workspace_and_progress_database_are_unreadable(sandboxed, ws: Path) -> None:
    problem = Bank().get(PID)
    (ws / ".torchdojo").mkdir(exist_ok=True)
    (ws / ".torchdojo" / "progress.sqlite3").write_bytes(b"SQLite format 3\0")
    (ws / "mine.py").write_text("SECRET = 1\n")
    probe = problem.read("solution.py") + textwrap.dedent(f"""
        import os
        for p in [{str(ws / '.torchdojo' / 'progress.sqlite3')!r}, {str(ws / 'mine.py')!r}]:
            try:
                open(p, "rb").read()
                raise SystemExit("read " + p)
            except OSError:
                pass
        """)
    res = sandboxed.grade(problem, probe)
    assert res.passed, res.to_json()


def test_doctor_says_what_the_child_can_read(sandboxed) -> None:
    layers = sandboxed.layers()
    assert layers["landlock"].startswith("on") and "reads only" in layers["landlock"]
    assert layers["hidden"].startswith("on") and "problems" in layers["hidden"]


def test_the_doctor_command_names_the_read_restrictions(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "torchdojo.cli", "--workspace",
                          str(tmp_path / "ws"), "doctor", "--cold"], capture_output=True,
                         text=True, timeout=300)
    text = " ".join(out.stdout.split())
    assert out.returncode == 0, out.stderr
    assert "cannot read the reference solutions" in text and "Landlock read allow-list" in text


def test_read_plan_leaves_every_secret_out() -> None:
    """Landlock only allows: no allowed path may be a secret, lie inside one, or hold one."""
    plan = sandbox.read_plan([str(Path.home())])
    secrets = [os.path.realpath(s) for s in [*sandbox.default_secrets(), str(Path.home())]]
    for a in plan.allow:
        for s in secrets:
            assert not sandbox._inside(a, s) and not sandbox._inside(s, a), (a, s)
    import torch

    assert any(sandbox._inside(os.path.realpath(torch.__file__), a) for a in plan.allow)


@pytest.mark.skipif(landlock.abi_version() < 1, reason="Landlock is this layer; the mount "
                    "layer is tested above")
def test_landlock_alone_refuses_the_references() -> None:
    """With no mount namespace (the hidden tmpfs absent), Landlock's allow-list still says no."""
    solution = Bank().get(PID).file("solution.py")
    import torch

    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        code = 1
        try:
            linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
            landlock.restrict(sandbox.read_plan([]).allow, [], [])
            try:
                open(solution).read()
                code = 3
            except PermissionError:
                open(torch.__file__).read()  # while Python's own files stay readable
                code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0, os.WEXITSTATUS(status)
