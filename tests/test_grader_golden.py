"""Golden tests: broken and hostile submissions get the expected non-pass verdict, leave no
process behind, and leave the worker able to grade the next submission correctly."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

MARK = "31415926"  # appears in the command line of every process a hostile file leaves behind


def _leftovers() -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        if MARK.encode() in cmd and int(d.name) != os.getpid():
            found.append(int(d.name))
    return found


def _no_leftovers(timeout: float = 3.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = _leftovers()
        if not left:
            return []
        time.sleep(0.05)
    return _leftovers()


def body(code: str) -> str:
    """A submission whose add_one runs ``code`` (indented into the function)."""
    return "import torch\n\ndef add_one(x):\n" + textwrap.indent(textwrap.dedent(code), "    ")


HOSTILE = {
    "syntax_error": ("def add_one(x)\n    return x + 1\n", "error"),
    "import_error": ("import not_a_module_anywhere\n", "error"),
    "missing_entry": ("import torch\n\ndef add_two(x):\n    return x + 2\n", "error"),
    "wrong_answer": ("def add_one(x):\n    return x + 2\n", "fail"),
    "infinite_loop": (body("while True:\n    pass\n"), "timeout"),
    "sleep_forever": (body("import time\ntime.sleep(10**6)\n"), "timeout"),
    "huge_allocation": (body("t = torch.ones(2**31)\nreturn t\n"), "memory"),
    "print_100mb": (body("import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 2**20)\n"
                         "return x + 1\n"), "error"),
    "sys_exit_at_import": ("import sys\nsys.exit(0)\n", "error"),
    "os_exit_at_import": ("import os\nos._exit(0)\n", "crash"),
    "sys_exit_in_function": (body("import sys\nsys.exit(0)\n"), "error"),
    "os_exit_in_function": (body("import os\nos._exit(0)\n"), "crash"),
    "raise_systemexit": (body("raise SystemExit(0)\n"), "error"),
    "raise_keyboardinterrupt": (body("raise KeyboardInterrupt\n"), "error"),
    "segfault": (body("import ctypes\nctypes.string_at(0)\n"), "crash"),
    # the learner's process is pid 1 of its own pid namespace: the kernel drops these signals
    "kill_own_group": (body("import os, signal\nos.kill(0, signal.SIGKILL)\n"), "fail"),
    "kill_everything": (body("import os, signal\nos.kill(-1, signal.SIGKILL)\n"
                             "return x + 1\n"), None),
    "kill_parent": (body("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"), "fail"),
    # no __main__ guard: a spawn pool started at import fails at once with multiprocessing's
    # own message instead of hanging (spawned workers could never import the submission)
    "spawn_pool_at_import": (textwrap.dedent("""
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(2) as pool:
            pool.map(abs, [1, 2])
        def add_one(x):
            return x + 1
        """), "error"),
    "patch_comparisons": (textwrap.dedent("""
        import torch, torch.testing
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        torch.testing.assert_close = lambda *a, **k: None
        torch.Tensor.__eq__ = lambda *a, **k: True
        def add_one(x):
            return x * 0
        """), "fail"),
    "fake_report": (body("""
        import json, os, struct, sys
        print(json.dumps({"version": 1, "status": "pass", "message": "all tests passed"}))
        for fd in range(3, 12):
            for hdr in ({"kind": "result", "name": "small", "ok": True, "ms": 0},
                        {"kind": "done"}):
                h = json.dumps(hdr).encode()
                try:
                    os.write(fd, struct.pack(">II", len(h), 0) + h)
                except OSError:
                    pass
        os._exit(0)
        """), None),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission(worker, add_problem, name: str) -> None:
    source, expected = HOSTILE[name]
    res = worker.grade(add_problem, source, filename=f"{name}.py")
    assert not res.passed, res.to_json()
    if expected is not None:
        assert res.status == expected, res.to_json()
    assert res.message and "\n" not in res.message
    if name == "spawn_pool_at_import":
        assert "bootstrapping phase" in res.message, res.to_json()
        assert "__main__" in res.tests[0].message
    # the worker is intact: the reference still grades as a pass, straight after
    again = worker.grade(add_problem, add_problem.read("solution.py"))
    assert again.passed, again.to_json()


def test_output_is_capped_and_cut_visibly(worker, add_problem) -> None:
    res = worker.grade(add_problem, HOSTILE["print_100mb"][0])
    shown = [t.output for t in res.tests if t.output]
    assert shown and all(len(o) <= 500 for o in shown)
    assert "cut" in shown[0]


def test_children_that_outlive_the_job_are_killed(worker, add_problem) -> None:
    src = body(f"""
        import os, subprocess, time
        subprocess.Popen(["sleep", "{MARK}"])
        subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "{MARK}"])
            os._exit(0)
        time.sleep(0.2)
        return x + 1
        """)
    res = worker.grade(add_problem, src)
    assert res.status == "pass", res.to_json()  # the answer is right; the children must still die
    assert _no_leftovers() == []


def test_bounded_fork_storm_is_capped(worker, add_problem) -> None:
    src = body(f"""
        import os, time
        for _ in range(300):
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "{MARK}"])
        return x + 1
        """)
    res = worker.grade(add_problem, src)
    assert not res.passed
    assert _no_leftovers() == []


def test_writing_outside_scratch_is_refused(worker, add_problem, tmp_path: Path) -> None:
    targets = [Path.cwd() / f"pwned-{MARK}", Path.home() / f"pwned-{MARK}", tmp_path / "pwned"]
    lines = "\n".join(f"open({str(t)!r}, 'w').write('x')" for t in targets)
    src = body(lines + "\nreturn x + 1\n")
    res = worker.grade(add_problem, src)
    assert not res.passed
    assert all(not t.exists() for t in targets)
    # while the scratch directory is writable
    ok = body("import os\nopen(os.path.join(os.getcwd(), 'f.txt'), 'w').write('x' * 1000)\n"
              "open('/tmp/g.txt', 'w').write('y')\nreturn x + 1\n")
    assert worker.grade(add_problem, ok).passed


def test_network_is_unreachable(worker, add_problem) -> None:
    received = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(3)
    port = srv.getsockname()[1]

    def accept() -> None:
        try:
            conn, _ = srv.accept()
            received.append(conn.recv(100))
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    src = body(f"""
        import socket
        s = socket.create_connection(("127.0.0.1", {port}), timeout=1)
        s.sendall(b"pwned")
        return x + 1
        """)
    res = worker.grade(add_problem, src)
    t.join()
    srv.close()
    assert res.status == "error", res.to_json()
    assert received == []


def test_multiprocessing_and_gloo_work_inside_the_sandbox(worker, parallel_problem) -> None:
    res = worker.grade(parallel_problem, parallel_problem.read("solution.py"))
    assert res.passed, res.to_json()
    starter = worker.grade(parallel_problem, parallel_problem.read("starter.py"))
    assert not starter.passed


def test_sandbox_layers_are_reported(worker) -> None:
    layers = worker.layers()
    for key in ("session", "namespaces", "landlock", "seccomp", "rlimits", "environment"):
        assert key in layers


def test_learner_code_runs_cpu_only(worker, add_problem) -> None:
    """GPUs are hidden from graded code (and so from the zygote): grading is CPU-only everywhere.

    On a CUDA machine a zygote that saw the GPU broke every forked child's backward; this pins
    the variable that hides it, which a CPU-only CI machine can still observe.
    """
    src = body("""
        import os
        assert os.environ.get("CUDA_VISIBLE_DEVICES") == "", os.environ.get("CUDA_VISIBLE_DEVICES")
        assert not torch.cuda.is_available() and torch.cuda.device_count() == 0
        y = x.double().requires_grad_()
        (y * y).sum().backward()                       # autograd works in the forked child
        assert torch.equal(y.grad, 2 * x.double())
        return x + 1
        """)
    res = worker.grade(add_problem, src)
    assert res.passed, res.to_json()
    assert "GPUs hidden" in worker.layers()["environment"]


def test_deprecation_warnings_show_in_the_output(worker, add_problem) -> None:
    src = body("import warnings\nwarnings.warn('old API', DeprecationWarning)\nreturn x + 1\n")
    res = worker.grade(add_problem, src)
    assert res.passed
    assert "DeprecationWarning: old API" in res.tests[0].output


def test_code_under_tmp_stays_importable_and_read_only(add_problem,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout or venv under /tmp is not hidden by the scratch tmpfs (torch imports lazily)."""
    from torchdojo.grader.runner import ZygoteRunner
    from torchdojo.grader.worker import Worker

    d = Path(tempfile.mkdtemp(dir="/tmp", prefix="torchdojo-syspath-"))
    try:
        d.chmod(0o755)
        (d / "tdj_lazy_mod.py").write_text("def inc(x):\n    return x + 1\n")
        monkeypatch.syspath_prepend(str(d))  # the zygote's PYTHONPATH is this sys.path
        runner = ZygoteRunner(torchvision=False, warm=False)
        try:
            src = body("""
                import pathlib
                import tdj_lazy_mod
                try:
                    (pathlib.Path(tdj_lazy_mod.__file__).parent / "w").write_text("x")
                except OSError:
                    return tdj_lazy_mod.inc(x)
                return x
                """)
            res = Worker(runner).grade(add_problem, src)
            assert res.passed, res.to_json()
            assert not (d / "w").exists()
            assert str(d) in runner.layers().get("filesystem", "")
        finally:
            runner.close()
    finally:
        shutil.rmtree(d)


def test_out_of_memory_errors_count_as_memory() -> None:
    """Without a memory cgroup the cap is RLIMIT_AS, and torch then raises a RuntimeError.

    The message is the one torch 2.x gives under the rlimit (seen on a machine without
    cgroups); a torch.OutOfMemoryError from CUDA counts the same, other errors keep their type.
    """
    import torch

    from torchdojo.grader.harness import _exc_type

    oom = RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: "
                       "can't allocate memory: you tried to allocate 8589934592 bytes.")
    assert _exc_type(oom) == "MemoryError"
    assert _exc_type(MemoryError()) == "MemoryError"
    assert _exc_type(torch.OutOfMemoryError("CUDA out of memory")) == "MemoryError"
    assert _exc_type(RuntimeError("shape mismatch")) == "RuntimeError"
    assert _exc_type(ValueError("can't allocate memory")) == "ValueError"
