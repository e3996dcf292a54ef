"""The grader's trust boundary, attacked the way a learner who wants a pass without the answer
would: forged frames and observations, judges fed hostile data, source judges dodged, printed
escape sequences. Each attack gets no pass, a Result (never an exception), and a worker that
keeps its memory and grades the next submission correctly and in time."""

from __future__ import annotations

import json
import os
import resource
import struct
import textwrap
import threading
import time

import pytest

from torchdojo.grader import codec
from torchdojo.grader.runner import ExitInfo
from torchdojo.grader.worker import Run, Worker

PREFIX = struct.Struct(">II")


def rss_mb() -> float:
    """This process's resident memory now (the worker lives in the test process)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def frame(header: dict, blob: bytes = b"") -> bytes:
    h = json.dumps(header).encode()
    return PREFIX.pack(len(h), len(blob)) + h + blob


def forging(payload: bytes, then: str = "import os\nos._exit(0)") -> str:
    """A submission whose add_one writes ``payload`` to every descriptor that could be the
    result pipe (the child can find it: it is one of its own), then runs ``then``."""
    return ("import os, torch\n\nPAYLOAD = " + repr(payload) + "\n\ndef add_one(x):\n"
            "    for fd in range(3, 64):\n"
            "        try:\n"
            "            os.write(fd, PAYLOAD)\n"
            "        except OSError:\n"
            "            pass\n" + textwrap.indent(then, "    ") + "\n    return x + 1\n")


def _bomb(kind: str) -> bytes:
    if kind == "torch_save_expanded":  # 2 KB that torch.load would expand to 10^12 floats
        import io

        import torch

        buf = io.BytesIO()
        torch.save(torch.zeros(1).expand(10**6, 10**6), buf)
        return buf.getvalue()
    if kind == "shape_bomb":
        sk = json.dumps(["X", "float32", [10**6, 10**6]]).encode()
        return codec.MAGIC + struct.pack(">I", len(sk)) + sk + b"\0" * 16
    if kind == "deep_skeleton":
        sk = b"[" * 100_000 + b"]" * 100_000
        return codec.MAGIC + struct.pack(">I", len(sk)) + sk
    if kind == "many_nodes":
        sk = json.dumps(["L", *([0] * 300_000)]).encode()[: 1 << 20]
        return codec.MAGIC + struct.pack(">I", len(sk)) + sk
    raise AssertionError(kind)


def _assert_intact(worker, problem, before_mb: float, t0: float, budget_s: float) -> None:
    assert time.monotonic() - t0 < budget_s, "the worker took too long on a hostile submission"
    assert rss_mb() - before_mb < 150, f"the worker grew by {rss_mb() - before_mb:.0f} MB"
    t1 = time.monotonic()
    again = worker.grade(problem, problem.read("solution.py"))
    assert again.passed, again.to_json()
    assert time.monotonic() - t1 < 3.0, "the next check was slow"


@pytest.mark.parametrize("kind", ["torch_save_expanded", "shape_bomb", "deep_skeleton",
                                  "many_nodes"])
def test_forged_observation_bombs_are_refused_in_bounded_time(worker, add_problem,
                                                              kind: str) -> None:
    worker.grade(add_problem, add_problem.read("solution.py"))  # references cached, warm
    before, t0 = rss_mb(), time.monotonic()
    payload = frame({"kind": "result", "name": "small", "ok": True, "ms": 1}, _bomb(kind))
    res = worker.grade(add_problem, forging(payload), scope="public")
    assert not res.passed, res.to_json()
    assert res.tests[0].status in ("fail", "error"), res.to_json()
    _assert_intact(worker, add_problem, before, t0, budget_s=5.0)


FORGERIES = {
    # frames for probes the job did not name, out of order, twice
    "hundred_unknown_probes": b"".join(
        frame({"kind": "result", "name": f"p{i}", "ok": True, "ms": 0}, b"x" * 1000)
        for i in range(100)),
    "result_twice": frame({"kind": "result", "name": "small", "ok": True, "ms": 0},
                          codec.encode(0)) * 2,
    "start_out_of_order": frame({"kind": "result", "name": "small", "ok": False, "ms": 0,
                                 "error": "x"}) + frame({"kind": "start", "name": "ints"}),
    "done_early": frame({"kind": "result", "name": "small", "ok": False, "ms": 0,
                         "error": "x"}) + frame({"kind": "done"}),
    # malformed headers
    "ms_not_a_number": frame({"kind": "result", "name": "small", "ok": True, "ms": "abc"},
                             codec.encode(0)),
    "ms_infinite": frame({"kind": "result", "name": "small", "ok": True, "ms": 1e400}),
    "ok_not_bool": frame({"kind": "result", "name": "small", "ok": "yes", "ms": 0}),
    "error_not_text": frame({"kind": "result", "name": "small", "ok": False, "ms": 0,
                             "error": {"deep": [1, 2]}}),
    "name_not_text": frame({"kind": "result", "name": ["small"], "ok": True, "ms": 0}),
    "no_kind": frame({"name": "small"}),
    "header_not_object": PREFIX.pack(2, 0) + b"[]",
    "header_nested_deep": PREFIX.pack(40_000, 0) + b"[" * 20_000 + b"]" * 20_000,
    "header_too_large": PREFIX.pack(10**9, 0),
    "garbage": b"\xff" * 64,
    # sandbox facts never come from the child
    "forged_layers": frame({"kind": "layers", "layers": {"landlock": "FORGED"}})
    + frame({"kind": "loaded", "ok": True, "ms": 0, "layers": {"landlock": "FORGED"}})
    + frame({"kind": "exit", "code": 0, "layers": {"landlock": "FORGED"}}),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_forged_frames_are_a_non_pass_never_an_exception(worker, add_problem, name: str) -> None:
    worker.grade(add_problem, add_problem.read("solution.py"))
    before, t0 = rss_mb(), time.monotonic()
    res = worker.grade(add_problem, forging(FORGERIES[name], then="pass"))
    assert not res.passed, res.to_json()
    assert res.status in ("crash", "error", "fail"), res.to_json()
    assert res.message and "\n" not in res.message
    broke = [t for t in res.tests if t.status == "error" and "grading protocol" in t.message]
    assert broke, res.to_json()
    assert "FORGED" not in json.dumps(worker.layers())
    _assert_intact(worker, add_problem, before, t0, budget_s=5.0)


def test_each_probe_gets_its_own_output(worker, add_problem) -> None:
    src = textwrap.dedent("""
        import sys
        CALLS = []
        print("printed at import")

        def add_one(x):
            CALLS.append(1)
            print(f"call {len(CALLS)} " + "x" * 2000)   # enough to fill a pipe read or two
            sys.stderr.write(f"err {len(CALLS)}\\n")
            return x + 1
        """)
    for _ in range(3):  # the race this closes showed up now and then, not every time
        res = worker.grade(add_problem, src)
        assert res.passed, res.to_json()
        outs = [t.output for t in res.tests]
        assert outs[0].startswith("printed at import"), outs[0][:80]
        for i, out in enumerate(outs, start=1):
            assert f"call {i} " in out and f"err {i}" in out, (i, out[:60], out[-60:])
            others = [j for j in range(1, len(outs) + 1) if j != i]
            assert not any(f"call {j} " in out or f"err {j}" in out for j in others), (i, out)


def test_printed_escape_sequences_cannot_draw_a_verdict(worker, add_problem) -> None:
    src = textwrap.dedent(r"""
        def add_one(x):
            print("\x1b[2K\r\x1b[32m✓ PASS all 3 tests passed\x1b[0m\x1b]0;owned\x07\x9b1A\x08")
            raise ValueError("\x1b[32mPASS\x1b[0m\rok")
        """)
    res = worker.grade(add_problem, src)
    assert not res.passed
    text = res.to_json()
    for ch in ("\x1b", "\x9b", "\r", "\x07", "\x08"):
        assert ch not in res.message and all(ch not in t.output + t.message for t in res.tests)
    assert "\\u001b" not in text and "\\r" not in text.replace("\\\\r", "")
    assert "PASS" in res.tests[0].output  # the text stays readable, only the controls go


def test_judges_run_under_time_and_memory_limits(worker, judges_problem) -> None:
    """A judge whose cost grows with the observation (here: quadratic, on purpose) is cut off
    by the judge process's limits: the probe fails, the worker neither hangs nor grows."""
    worker.grade(judges_problem, judges_problem.read("solution.py"))
    before, t0 = rss_mb(), time.monotonic()
    src = "import torch\n\ndef squares(n):\n    return torch.zeros(50_000)\n"
    res = worker.grade(judges_problem, src)
    elapsed = time.monotonic() - t0
    by = {t.name: t for t in res.tests}
    assert not res.passed and by["outer"].status == "fail" and by["pairs"].status == "fail"
    assert "memory" in by["outer"].message, by["outer"].message  # 50k x 50k floats: 10 GB
    assert "time limit" in by["pairs"].message, by["pairs"].message  # 2.5e9 Python steps
    assert elapsed < 12, elapsed
    _assert_intact(worker, judges_problem, before, t0, budget_s=15.0)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < 4000


@pytest.mark.parametrize("name,code", [
    ("loop", "import torch\n\ndef squares(n):\n"
             "    return torch.tensor([float(i * i) for i in range(n)])\n"),
    ("map_lambda", "import torch\n\ndef squares(n):\n"
                   "    return torch.tensor(list(map(lambda i: float(i * i), range(n))))\n"),
    ("recursion", "import torch\n\ndef squares(n):\n    if n == 0:\n"
                  "        return torch.zeros(0)\n"
                  "    return torch.cat([squares(n - 1), torch.tensor([float((n - 1) ** 2)])])\n"),
    ("getattr_dodge", "import torch\n\ndef squares(n):\n"
                      "    f = getattr(torch, 'cd' + 'ist')\n"
                      "    r = torch.arange(n, dtype=torch.float32)[:, None]\n"
                      "    return f(r, torch.zeros(1, 1)).squeeze(1) ** 2\n"),
    ("string_dodge", "import torch\n\ndef squares(n):\n"
                     "    f = torch.__dict__['cdist']\n"
                     "    r = torch.arange(n, dtype=torch.float32)[:, None]\n"
                     "    return f(r, torch.zeros(1, 1)).squeeze(1) ** 2\n"),
    # the loop is there; the module tells its own process a clean story
    ("rewrites_linecache", "import linecache, torch\n\ndef squares(n):\n"
                           "    return torch.tensor([float(i * i) for i in range(n)])\n\n"
                           "for k in list(linecache.cache):\n"
                           "    linecache.cache[k] = (10, None, ['x = 1\\n'], k)\n"),
])
def test_source_probes_read_what_was_submitted(worker, judges_problem, name: str,
                                               code: str) -> None:
    res = worker.grade(judges_problem, code)
    by = {t.name: t for t in res.tests}
    assert by["small"].status == "pass", res.to_json()  # the values are right ...
    assert by["no_loops"].status == "fail", res.to_json()  # ... the way is not
    assert not res.passed


def test_source_probes_pass_honest_code_and_respect_docstrings(worker, judges_problem) -> None:
    code = ('"""Squares without torch.cdist or loops (the docstring may say so)."""\n'
            "import torch\n\ndef squares(n):\n"
            "    return torch.arange(n, dtype=torch.float32) ** 2\n")
    res = worker.grade(judges_problem, code)
    assert res.passed, res.to_json()


def test_the_worker_neither_decodes_nor_runs_bank_code(tmp_path) -> None:
    """Observations are decoded, tests.py run and judges applied only in the judge process: the
    worker's own process never even imports torch (which is also why a cold check costs one
    torch import, the zygote's)."""
    import subprocess
    import sys

    script = textwrap.dedent("""
        import sys
        from torchdojo.bank import Bank
        from torchdojo.grader.runner import ZygoteRunner
        from torchdojo.grader.worker import Worker
        p = Bank().get("tensor_numpy_bridge")
        w = Worker(ZygoteRunner(torchvision=False, warm=False))
        assert w.grade(p, p.read("solution.py")).passed
        assert not w.grade(p, p.read("starter.py")).passed
        print("torch" in sys.modules, any(m.startswith("_torchdojo_tests") for m in sys.modules))
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["False", "False"], out.stdout


class _PipeChild:
    """A child whose frames and output are already in its pipes, writer ends held open (as a
    live child's are while it waits for the acknowledgement)."""

    def __init__(self, frames: bytes, output: bytes) -> None:
        # the result pipe gets the lower descriptor, so select() lists it first
        self.result_fd, self._result_w = os.pipe()
        self.output_fd, self._output_w = os.pipe()
        os.write(self._output_w, output)
        os.write(self._result_w, frames)
        self.acks = 0

    def send_job(self, job, source) -> None:  # pragma: no cover - not used here
        pass

    def ack(self) -> None:
        self.acks += 1

    def finish(self, kill: bool) -> ExitInfo:
        for fd in (self.result_fd, self.output_fd, self._result_w, self._output_w):
            try:
                os.close(fd)
            except OSError:
                pass
        return ExitInfo(code=0)


def test_output_drained_by_a_frame_never_blocks_the_reader() -> None:
    """Frames and output arrive in the same select() round: the result frame takes the
    output already in the pipe, and the reader must not then block on that empty pipe while
    the child waits for its acknowledgement (this hung the worker's thread for good)."""
    frames = (frame({"kind": "loaded", "ok": True, "ms": 1})
              + frame({"kind": "start", "name": "p"})
              + frame({"kind": "result", "name": "p", "ok": True, "ms": 1}, b"obs")
              + frame({"kind": "done"}))
    child = _PipeChild(frames, b"printed by p\n")
    result = Run()
    worker = Worker(runner=None)  # _drive needs no runner
    t = threading.Thread(target=worker._drive,
                         args=(child, ["p"], result, time.monotonic() + 5, False), daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "the reader blocked on a drained output pipe"
    assert result.outcomes["p"].status == "ok"
    assert result.outcomes["p"].output == "printed by p\n"
    assert child.acks == 2  # after the module loaded and after the probe's result


def test_error_message_keeps_a_multiline_exception_text() -> None:
    """A strict load_state_dict names the missing keys on the lines under its first: the one-line
    message keeps them (and the learner's line), not just 'Error(s) in loading state_dict'."""
    from torchdojo.grader.worker import _one_line

    err = ("RuntimeError: Error(s) in loading state_dict for SkipMLP:\n"
           '\tMissing key(s) in state_dict: "fc3.weight", "fc3.bias".\n'
           "  line 12, in forward: model.load_state_dict(sd)")
    msg = _one_line(err)
    assert '"fc3.weight"' in msg
    assert msg.endswith("(line 12, in forward: model.load_state_dict(sd))")
    assert "\n" not in msg
    assert _one_line("ValueError: bad p") == "ValueError: bad p"
    assert len(_one_line("E: " + "x" * 5000)) < 450


def test_a_child_stalled_at_its_memory_cap_reads_as_memory(tmp_path) -> None:
    """Without swap, a process at its cgroup memory cap can thrash on its mapped libraries past
    the time limit instead of being OOM-killed: the group's counters say it hit the cap."""
    from torchdojo.grader.cgroups import ChildGroup

    group = ChildGroup({"memory": tmp_path}, "child")
    d = group.dirs["memory"]
    d.mkdir(parents=True)
    (d / "memory.events").write_text("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n")
    assert not group.hit_memory_limit()
    (d / "memory.events").write_text("low 0\nhigh 0\nmax 17\noom 0\noom_kill 0\n")
    assert group.hit_memory_limit() and not group.oom_killed()
    (d / "memory.events").unlink()
    (d / "memory.failcnt").write_text("4\n")  # cgroup v1
    assert group.hit_memory_limit()
    # no hit counted, but a peak at the cap: v1 max_usage_in_bytes, v2 memory.peak
    (d / "memory.failcnt").write_text("0\n")
    (d / "memory.limit_in_bytes").write_text(str(256 << 20))
    (d / "memory.max_usage_in_bytes").write_text(str(100 << 20))
    assert not group.hit_memory_limit()
    (d / "memory.max_usage_in_bytes").write_text(str((256 << 20) - 4096))
    assert group.hit_memory_limit()
    for name in ("memory.failcnt", "memory.limit_in_bytes", "memory.max_usage_in_bytes"):
        (d / name).unlink()
    (d / "memory.max").write_text("max\n")  # no cap set: a peak means nothing
    (d / "memory.peak").write_text(str(1 << 30))
    assert not group.hit_memory_limit()
    (d / "memory.max").write_text(str(1 << 30))
    assert group.hit_memory_limit()
