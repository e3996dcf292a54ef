"""The worker: runs a submission's probes in a child, compares with the reference, decides.

The worker holds the bank and the reference observations (computed once per problem version and
torch version, cached in memory and on disk). It never runs learner code itself: a ``Runner``
gives it a child, it sends the job, reads frames and output under a deadline, and judges every
probe on plain decoded data. No frame, a partial frame, an early exit or a signal is an error for
that probe, never a pass; after a crash the remaining probes run in a fresh child.
"""

from __future__ import annotations

import os
import select
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torchdojo.bank import Problem
from torchdojo.grader import codec, protocol
from torchdojo.grader.runner import ChildHandle, ExitInfo, Runner
from torchdojo.probes import Probe, collect
from torchdojo.results import Result, TestResult

OUTPUT_KILL = 1024 * 1024  # a child that prints more than this is stopped
OUTPUT_KEEP = 8 * 1024  # what is kept for display


@dataclass
class Outcome:
    """What happened to one probe in the child, before judging."""

    status: str  # ok | error | crash | timeout | memory | output | skip
    obs: Any = None
    message: str = ""
    output: str = ""
    ms: int = 0


@dataclass
class Run:
    """The outcomes of one submission's probes, plus how loading the module went."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    load_error: str | None = None
    load_status: str = "ok"


class ReferenceError_(Exception):
    """The reference solution itself failed a probe: a bank bug."""


def _tests_namespace(problem: Problem) -> list[Probe]:
    ns: dict[str, Any] = {"__name__": f"_torchdojo_tests_{problem.id}"}
    code = compile(problem.read("tests.py"), str(problem.file("tests.py")), "exec")
    exec(code, ns)  # noqa: S102 - the bank's own trusted code, for probe metadata and judges
    return collect(ns)


class Worker:
    """Grades submissions for one bank with one runner; caches references."""

    def __init__(self, runner: Runner, cache_dir: Path | None = None) -> None:
        self.runner = runner
        self.cache_dir = cache_dir
        self._probes: dict[tuple[str, str], list[Probe]] = {}
        self._refs: dict[tuple[str, str], dict[str, Any]] = {}

    # -- probes and references -------------------------------------------------------------
    def probes(self, problem: Problem) -> list[Probe]:
        key = (problem.id, problem.version)
        if key not in self._probes:
            self._probes[key] = _tests_namespace(problem)
        return self._probes[key]

    def _ref_path(self, problem: Problem) -> Path | None:
        if self.cache_dir is None:
            return None
        import torch

        tv = torch.__version__.replace("+", "_")
        return self.cache_dir / f"{problem.id}-{problem.version}-{tv}.pt"

    def reference(self, problem: Problem) -> dict[str, Any]:
        """Observations of ``solution.py`` for every probe (cached)."""
        key = (problem.id, problem.version)
        if key in self._refs:
            return self._refs[key]
        path = self._ref_path(problem)
        if path is not None and path.exists():
            try:
                refs = codec.decode(path.read_bytes())
                self._refs[key] = refs
                return refs
            except ValueError:
                path.unlink(missing_ok=True)
        names = [p.name for p in self.probes(problem)]
        run = self.run(problem, problem.read("solution.py"), names, "solution.py")
        bad = {n: o for n, o in run.outcomes.items() if o.status != "ok"}
        if run.load_error or bad:
            detail = run.load_error or "; ".join(f"{n}: {o.status} {o.message}"
                                                 for n, o in bad.items())
            raise ReferenceError_(f"reference solution of {problem.id} failed: {detail}")
        refs = {n: o.obs for n, o in run.outcomes.items()}
        self._refs[key] = refs
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(codec.encode(refs))
            tmp.replace(path)
        return refs

    # -- running ---------------------------------------------------------------------------
    def run(self, problem: Problem, source: str, names: list[str], filename: str) -> Run:
        """Run the named probes on ``source``, restarting after a crash, within the time limit."""
        result = Run()
        remaining = list(names)
        deadline = time.monotonic() + problem.time_s + self.runner.startup_s
        limits = {"time_s": problem.time_s, "memory_mb": problem.memory_mb}
        while remaining:
            child = self.runner.start(limits)
            child.send_job({"source": source, "tests_source": problem.read("tests.py"),
                            "probes": remaining, "filename": filename, "problem": problem.id,
                            "limits": limits})
            done, current, exit_info = self._drive(child, result, deadline)
            finished = [n for n in remaining if n in result.outcomes]
            if result.load_error is not None:
                for n in remaining:
                    result.outcomes.setdefault(
                        n, Outcome(result.load_status, message=result.load_error))
                break
            if done:
                break
            if current is None and not finished:
                # died while loading the module: every remaining probe would die the same way
                msg = f"the module could not be loaded: process {exit_info.describe()}"
                status = _status_of(exit_info, current_status="crash")
                result.load_error, result.load_status = msg, status
                for n in remaining:
                    result.outcomes[n] = Outcome(status, message=msg)
                break
            if current is not None and current not in result.outcomes:
                result.outcomes[current] = Outcome(_status_of(exit_info, "crash"),
                                                   message=f"process {exit_info.describe()}")
            if result.outcomes.get(current or "", Outcome("ok")).status in ("timeout", "output"):
                for n in remaining:
                    result.outcomes.setdefault(n, Outcome("skip", message="not run: an earlier "
                                                          "test used up the limit"))
                break
            remaining = [n for n in remaining if n not in result.outcomes]
            if time.monotonic() >= deadline:
                for n in remaining:
                    result.outcomes[n] = Outcome("skip", message="not run: time limit reached")
                break
        return result

    def _drive(self, child: ChildHandle, result: Run, deadline: float
               ) -> tuple[bool, str | None, ExitInfo]:
        """Read one child's frames and output until it finishes, dies or runs out of time."""
        reader = protocol.FrameReader()
        out = bytearray()
        out_total = 0
        mark = 0  # where the current probe's output starts
        current: str | None = None
        done = False
        fds = {child.result_fd, child.output_fd}
        killed_for: str | None = None
        exit_frame: dict[str, Any] | None = None
        try:
            while child.result_fd in fds:
                left = deadline - time.monotonic()
                if left <= 0:
                    killed_for = "timeout"
                    break
                ready, _, _ = select.select(list(fds), [], [], left)
                for fd in ready:
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        fds.discard(fd)
                        continue
                    if fd == child.output_fd:
                        out_total += len(chunk)
                        if len(out) < OUTPUT_KEEP:
                            out += chunk[: OUTPUT_KEEP - len(out)]
                        if out_total > OUTPUT_KILL:
                            killed_for = "output"
                        continue
                    try:
                        frames = reader.feed(chunk)
                    except protocol.ProtocolError as exc:
                        killed_for = f"protocol: {exc}"
                        frames = []
                    for header, blob in frames:
                        kind = header.get("kind")
                        if kind == "loaded" and header.get("ok"):
                            layers = header.get("layers")
                            if isinstance(layers, dict):
                                self.runner.last_layers = {str(k): str(v)
                                                           for k, v in layers.items()}
                        elif kind == "loaded":
                            result.load_error = str(header.get("error", "could not load"))
                            result.load_status = ("memory" if header.get("exc_type") ==
                                                  "MemoryError" else "error")
                        elif kind == "start":
                            current = str(header.get("name"))
                            mark = len(out)
                        elif kind == "result" and header.get("name") == current:
                            self._drain(child.output_fd, fds, out)
                            text = out[mark:].decode(errors="replace")
                            result.outcomes[current] = _outcome(header, blob, text)
                            mark = len(out)
                            current = None
                        elif kind == "done":
                            done = True
                        elif kind == "exit":
                            exit_frame = header
                if killed_for or done:
                    break
        finally:
            if done and not killed_for:
                # everything needed is here: tearing the sandbox down (~50-100 ms of address
                # space and namespace teardown) happens off the learner's critical path
                threading.Thread(target=_reap, args=(child,), daemon=True).start()
                exit_info = ExitInfo(code=0)
            else:
                child.kill()
                exit_info = child.wait(exit_frame)
        if killed_for and current is not None and current not in result.outcomes:
            text = out[mark:].decode(errors="replace")
            if killed_for == "timeout":
                result.outcomes[current] = Outcome("timeout", message="time limit exceeded",
                                                   output=text)
            elif killed_for == "output":
                result.outcomes[current] = Outcome(
                    "output", message="printed more than 1 MiB of output; stopped", output=text)
            else:
                result.outcomes[current] = Outcome("crash", message=killed_for, output=text)
        elif killed_for == "timeout" and current is None and result.load_error is None \
                and not result.outcomes:
            result.load_error, result.load_status = "time limit exceeded while loading", "timeout"
        elif killed_for == "output" and current is None and result.load_error is None:
            result.load_error = "printed more than 1 MiB of output; stopped"
            result.load_status = "error"
        return done, current, exit_info

    @staticmethod
    def _drain(fd: int, fds: set[int], out: bytearray) -> None:
        while fd in fds:
            ready, _, _ = select.select([fd], [], [], 0)
            if not ready:
                return
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                fds.discard(fd)
                return
            if len(out) < OUTPUT_KEEP:
                out += chunk[: OUTPUT_KEEP - len(out)]

    def layers(self) -> dict[str, str]:
        """The isolation layers a child gets, as the child itself reported them."""
        if not self.runner.last_layers:
            child = self.runner.start({"time_s": 5, "memory_mb": 256})
            child.send_job({"source": "", "tests_source": "", "probes": [],
                            "filename": "empty.py", "problem": "", "limits": {"time_s": 5}})
            self._drive(child, Run(), time.monotonic() + 10)
        return self.runner.layers()

    # -- judging ---------------------------------------------------------------------------
    def grade(self, problem: Problem, source: str, scope: str = "all",
              filename: str = "solution.py") -> Result:
        """Grade ``source`` against ``problem``; ``scope`` is 'all' or 'public'."""
        t0 = time.perf_counter()
        probes = self.probes(problem)
        if scope == "public":
            probes = [p for p in probes if p.public]
        try:
            refs = self.reference(problem)
        except ReferenceError_ as exc:
            return Result(problem.id, "error", str(exc), _ms(t0))
        run = self.run(problem, source, [p.name for p in probes], filename)
        tests = [self._judge(p, run.outcomes.get(p.name, Outcome("skip", message="not run")),
                             refs.get(p.name)) for p in probes]
        return _verdict(problem, run, tests, _ms(t0))

    @staticmethod
    def _judge(p: Probe, o: Outcome, ref: Any) -> TestResult:
        label = p.description or p.name
        if o.status == "ok":
            try:
                msg = p.judge(o.obs, ref) if p.judge else codec_compare(p, o.obs, ref)
            except Exception as exc:  # noqa: BLE001 - a malformed observation fails
                msg = f"the result could not be checked ({type(exc).__name__}: {exc})"
            if msg:
                return TestResult(p.name, "fail", f"{label}: {msg}", o.output, o.ms)
            return TestResult(p.name, "pass", label, o.output, o.ms)
        if o.status == "skip":
            return TestResult(p.name, "skip", o.message, o.output, o.ms)
        return TestResult(p.name, "error", f"{label}: {o.message}", o.output, o.ms)


def _headline(error: str) -> str:
    """The exception's first paragraph on one line, without the traceback lines under it
    (multiprocessing's guard error, for one, spans several lines)."""
    head = []
    for line in error.strip().splitlines():
        if not line.strip() or line.startswith("  line "):
            break
        head.append(line.strip())
    return " ".join(head)


def _reap(child: ChildHandle, grace_s: float = 2.0) -> None:
    """Let a finished child exit on its own (draining its pipes), kill it after a grace period."""
    fds = {child.result_fd, child.output_fd}
    deadline = time.monotonic() + grace_s
    exit_frame = None
    reader = protocol.FrameReader()
    while child.result_fd in fds and time.monotonic() < deadline:
        ready, _, _ = select.select(list(fds), [], [], max(0.0, deadline - time.monotonic()))
        for fd in ready:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                fds.discard(fd)
            elif fd == child.result_fd:
                try:
                    exit_frame = next((h for h, _ in reader.feed(chunk)
                                       if h.get("kind") == "exit"), exit_frame)
                except protocol.ProtocolError:
                    fds.discard(fd)
    if child.result_fd in fds:
        child.kill()
    child.wait(exit_frame)


def codec_compare(p: Probe, got: Any, ref: Any) -> str | None:
    from torchdojo.grader.compare import compare

    return compare(got, ref, rtol=p.rtol, atol=p.atol, check_dtype=p.check_dtype)


def _outcome(header: dict[str, Any], blob: bytes, output: str) -> Outcome:
    ms = int(header.get("ms", 0))
    if not header.get("ok"):
        err = str(header.get("error", "error"))
        status = "memory" if header.get("exc_type") == "MemoryError" else "error"
        return Outcome(status, message=err.splitlines()[0] + _last_line(err), output=output,
                       ms=ms)
    try:
        obs = codec.decode(blob)
    except ValueError as exc:
        return Outcome("error", message=str(exc), output=output, ms=ms)
    return Outcome("ok", obs=obs, output=output, ms=ms)


def _last_line(err: str) -> str:
    lines = err.splitlines()
    return f" ({lines[-1].strip()})" if len(lines) > 1 else ""


def _status_of(exit_info: ExitInfo, current_status: str) -> str:
    return "memory" if exit_info.oom else current_status


def _ms(t0: float) -> int:
    return int((time.perf_counter() - t0) * 1000)


_PRIORITY = ("timeout", "memory", "crash", "output", "error")


def _verdict(problem: Problem, run: Run, tests: list[TestResult], ms: int) -> Result:
    statuses = {o.status for o in run.outcomes.values()}
    n_pass = sum(t.status == "pass" for t in tests)
    if tests and n_pass == len(tests):
        return Result(problem.id, "pass", f"all {len(tests)} tests passed", ms, tests)
    if run.load_error is not None:
        status = run.load_status if run.load_status in ("timeout", "memory", "crash") else "error"
        first = _headline(run.load_error)
        return Result(problem.id, status, f"your code could not be loaded: {first}", ms, tests)
    for s in _PRIORITY:
        if s in statuses:
            name = next(n for n, o in run.outcomes.items() if o.status == s)
            status = "error" if s == "output" else s
            what = {"timeout": "ran past the time limit", "memory": "ran out of memory",
                    "crash": "crashed", "output": "printed too much", "error": "raised an error"}[s]
            return Result(problem.id, status,
                          f"{n_pass} of {len(tests)} tests passed; test '{name}' {what}", ms, tests)
    if not tests:
        return Result(problem.id, "error", "no tests to run", ms, tests)
    return Result(problem.id, "fail", f"{n_pass} of {len(tests)} tests passed", ms, tests)
