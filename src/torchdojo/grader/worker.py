"""The worker: runs a submission's probes in a child, has them judged, decides the verdict.

The worker holds the bank and the reference observations (computed once per problem version and
torch version, cached in memory and on disk, as the bytes the reference's child sent). It never
runs learner code, and never decodes or judges what a child sent: a ``Runner`` gives it a child,
it sends the job, reads frames and output under a deadline and checks every frame against the
job (the probes it named, in order, each once; well-typed headers; bounded sizes), then hands the
raw observations to the runner's judges (``judging``). No frame, a partial or malformed frame, an
early exit or a signal is a non-pass for that probe; after a crash the remaining probes run in a
fresh child. Whatever a child does, ``grade`` returns a ``Result``.
"""

from __future__ import annotations

import math
import os
import select
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from torchdojo.bank import Problem
from torchdojo.grader import protocol
from torchdojo.grader.judging import Item, ProbeInfo
from torchdojo.grader.runner import ChildHandle, ExitInfo, Runner
from torchdojo.results import Result, TestResult

OUTPUT_KILL = 1024 * 1024  # a child that prints more than this is stopped
OUTPUT_KEEP = 8 * 1024  # what is kept for display, per probe
JOB_OBS_CAP = 64 * 1024 * 1024  # all the observations of one job
_TEXT_CAP = 4000  # an error text from the child


@dataclass
class Outcome:
    """What happened to one probe in the child, before judging."""

    status: str  # ok | error | crash | timeout | memory | output | skip
    blob: bytes = b""  # the encoded observation, as the child sent it
    message: str = ""
    output: str = ""
    ms: int = 0


@dataclass
class Run:
    """The outcomes of one submission's probes, plus how loading the module went."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    load_error: str | None = None
    load_status: str = "ok"
    load_output: str = ""


@dataclass
class _Drive:
    """How one child's run ended."""

    done: bool = False
    current: str | None = None  # the probe that was running when it ended
    exit: ExitInfo = field(default_factory=ExitInfo)


class ReferenceError_(Exception):
    """The reference solution itself failed a probe: a bank bug."""


class Violation(Exception):
    """A child's frame that the job does not allow."""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Violation(f"its '{what}' is not text")
    return value if len(value) <= _TEXT_CAP else value[:_TEXT_CAP] + " …"


def _ms(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and 0 <= value < 1e9):
        raise Violation("its 'ms' is not a number of milliseconds")
    return int(value)


def _ok(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Violation("its 'ok' is not true or false")
    return value


def _status_of_error(header: dict[str, Any]) -> str:
    return "memory" if header.get("exc_type") == "MemoryError" else "error"


class _Reader:
    """One child's frames and output, checked against the job as they arrive."""

    def __init__(self, child: ChildHandle, expected: list[str], result: Run) -> None:
        self.child, self.expected, self.result = child, expected, result
        self.fds = {child.result_fd, child.output_fd}  # the ones still open
        self.frames = protocol.FrameReader()
        self.state = "load"  # load -> between <-> running -> done
        self.index = 0  # the next expected probe
        self.current: str | None = None
        self.out = bytearray()  # output since the last frame that took it
        self.out_total = 0
        self.obs_total = 0
        self.done = False

    def output(self, chunk: bytes) -> None:
        self.out_total += len(chunk)
        if len(self.out) < OUTPUT_KEEP:
            self.out += chunk[: OUTPUT_KEEP - len(self.out)]

    def drain(self) -> None:
        """Take the output already in the pipe: all of it was written before the frame now
        read, and the child waits for our acknowledgement before it prints more."""
        fd = self.child.output_fd
        while fd in self.fds:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                return  # empty for now: _drive made the pipe non-blocking
            if not chunk:
                self.fds.discard(fd)
                return
            self.output(chunk)

    def take_output(self) -> str:
        text = self.out.decode(errors="replace")
        self.out = bytearray()
        return text

    def feed(self, chunk: bytes) -> None:
        for header, blob in self.frames.feed(chunk):
            self.frame(header, blob)

    def frame(self, h: dict[str, Any], blob: bytes) -> None:
        kind, r = h.get("kind"), self.result
        if self.state == "load":
            if kind != "loaded":
                raise Violation(f"a {_name(kind)} frame before the module loaded")
            _ms(h.get("ms"))
            ok = _ok(h.get("ok"))
            self.child.ack()
            r.load_output = self.take_output()
            if not ok:
                r.load_error = _text(h.get("error", "could not load"), "error")
                r.load_status = _status_of_error(h)
                self.state = "done"
            else:
                self.state = "between"
        elif self.state == "between":
            name = h.get("name")
            if kind == "start" and self.index < len(self.expected) and \
                    name == self.expected[self.index]:
                self.current, self.state = name, "running"
            elif kind == "done" and self.index == len(self.expected):
                self.done, self.state = True, "done"
            else:
                raise Violation(f"a {_name(kind)} frame for {_name(name)} where "
                                f"{self._next()} was due")
        elif self.state == "running":
            if kind != "result" or h.get("name") != self.current:
                raise Violation(f"a {_name(kind)} frame for {_name(h.get('name'))} while "
                                f"'{self.current}' was running")
            ms, ok = _ms(h.get("ms")), _ok(h.get("ok"))
            message = _text(h.get("error", "error"), "error") if not ok else ""
            self.obs_total += len(blob)
            if self.obs_total > JOB_OBS_CAP:
                raise Violation(f"more than {JOB_OBS_CAP >> 20} MiB of observations")
            self.drain()
            text = self.take_output()
            if not r.outcomes:
                text = r.load_output + text  # what the module printed while it loaded
            r.outcomes[self.current] = (
                Outcome("ok", blob=blob, output=text, ms=ms) if ok else
                Outcome(_status_of_error(h), message=_one_line(message), output=text, ms=ms))
            self.child.ack()
            self.index += 1
            self.current, self.state = None, "between"
        else:
            raise Violation(f"a {_name(kind)} frame after the end")

    def _next(self) -> str:
        if self.index < len(self.expected):
            return f"'{self.expected[self.index]}'"
        return "the end"


def _name(value: Any) -> str:
    """A short, safe rendering of a value a child sent, for messages."""
    s = repr(value)
    return s if len(s) <= 40 else s[:37] + "..."


class Worker:
    """Grades submissions for one bank with one runner; caches references."""

    def __init__(self, runner: Runner, cache_dir: Path | None = None) -> None:
        self.runner = runner
        self.cache_dir = cache_dir
        self._probes: dict[tuple[str, str], list[ProbeInfo]] = {}
        self._refs: dict[tuple[str, str], dict[str, bytes]] = {}

    # -- probes and references -------------------------------------------------------------
    def probes(self, problem: Problem) -> list[ProbeInfo]:
        """The problem's probes, as its judges describe them (cached per version)."""
        key = (problem.id, problem.version)
        if key not in self._probes:
            self._probes[key] = self.runner.judges().describe(_judge_key(problem),
                                                             problem.read("tests.py"))
        return self._probes[key]

    def _ref_path(self, problem: Problem) -> Path | None:
        if self.cache_dir is None:
            return None
        tv = metadata.version("torch").replace("+", "_")
        return self.cache_dir / f"{problem.id}-{problem.version}-{tv}.refs"

    def reference(self, problem: Problem) -> dict[str, bytes]:
        """Observations of ``solution.py`` for every probe that runs in a child (cached)."""
        key = (problem.id, problem.version)
        if key in self._refs:
            return self._refs[key]
        path = self._ref_path(problem)
        refs = _load_refs(path) if path is not None else None
        if refs is None:
            names = [p.name for p in self.probes(problem) if p.runs_in_child]
            run = self.run(problem, problem.read("solution.py"), names, "solution.py")
            bad = {n: o for n, o in run.outcomes.items() if o.status != "ok"}
            if run.load_error or bad:
                detail = run.load_error or "; ".join(f"{n}: {o.status} {o.message}"
                                                     for n, o in bad.items())
                raise ReferenceError_(f"reference solution of {problem.id} failed: {detail}")
            refs = {n: o.blob for n, o in run.outcomes.items()}
            if path is not None:
                _save_refs(path, refs)
        self._refs[key] = refs
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
            child.send_job({"tests_source": problem.read("tests.py"), "probes": remaining,
                            "filename": filename, "problem": problem.id, "limits": limits},
                           source)
            d = self._drive(child, remaining, result, deadline)
            finished = [n for n in remaining if n in result.outcomes]
            if result.load_error is not None:
                for i, n in enumerate(remaining):
                    result.outcomes.setdefault(
                        n, Outcome(result.load_status, message=result.load_error,
                                   output=result.load_output if i == 0 else ""))
                break
            if d.done:
                break
            if d.current is None and not finished:
                # died while loading the module: every remaining probe would die the same way
                msg = f"the module could not be loaded: process {d.exit.describe()}"
                status = _status_of(d.exit, current_status="crash")
                result.load_error, result.load_status = msg, status
                for n in remaining:
                    result.outcomes[n] = Outcome(status, message=msg)
                break
            if d.current is not None and d.current not in result.outcomes:
                result.outcomes[d.current] = Outcome(_status_of(d.exit, "crash"),
                                                     message=f"process {d.exit.describe()}")
            if result.outcomes.get(d.current or "", Outcome("ok")).status in ("timeout",
                                                                              "output"):
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

    def _drive(self, child: ChildHandle, expected: list[str], result: Run, deadline: float,
               reap_later: bool = True) -> _Drive:
        """Read one child's frames and output until it finishes, dies or runs out of time."""
        rd = _Reader(child, expected, result)
        fds = rd.fds
        for fd in fds:
            # never block on a read: select() may report the output pipe readable and the
            # result frame read first drain it, while the child waits for our acknowledgement
            os.set_blocking(fd, False)
        killed_for: str | None = None
        try:
            while child.result_fd in fds and not rd.done:
                left = deadline - time.monotonic()
                if left <= 0:
                    killed_for = "timeout"
                    break
                ready, _, _ = select.select(list(fds), [], [], left)
                for fd in ready:
                    try:
                        chunk = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue  # a frame read just before drained this output pipe
                    except OSError:
                        chunk = b""
                    if not chunk:
                        fds.discard(fd)
                        continue
                    if fd == child.output_fd:
                        rd.output(chunk)
                        if rd.out_total > OUTPUT_KILL:
                            killed_for = "output"
                        continue
                    try:
                        rd.feed(chunk)
                    except (protocol.ProtocolError, Violation) as exc:
                        killed_for = f"the graded process broke the grading protocol ({exc})"
                if killed_for:
                    break
        finally:
            if rd.done and not killed_for and reap_later:
                # everything needed is here: tearing the sandbox down (~50-100 ms of address
                # space and namespace teardown) happens off the learner's critical path
                threading.Thread(target=child.finish, args=(False,), daemon=True).start()
                exit_info = ExitInfo(code=0)
            else:
                exit_info = child.finish(kill=not rd.done or killed_for is not None)
        if killed_for == "timeout" and exit_info.at_memory_limit:
            killed_for = "memory"  # stalled at its memory cap until the clock ran out
        self._killed(rd, killed_for, result)
        return _Drive(rd.done, rd.current, exit_info)

    @staticmethod
    def _killed(rd: _Reader, killed_for: str | None, result: Run) -> None:
        """The verdict for whatever was under way when the child was stopped."""
        if killed_for is None:
            return
        text = rd.take_output()
        if rd.state == "load":
            why = {"timeout": ("time limit exceeded while loading", "timeout"),
                   "memory": (MEMORY_STALL + " while loading", "memory"),
                   "output": ("printed more than 1 MiB of output; stopped", "error")}
            result.load_error, result.load_status = why.get(killed_for, (killed_for, "crash"))
            result.load_output += text
            return
        # the probe running, or, between probes, the one that was due
        name = rd.current if rd.current is not None else (
            rd.expected[rd.index] if rd.index < len(rd.expected) else None)
        if name is None or name in result.outcomes:
            return
        if killed_for == "timeout":
            result.outcomes[name] = Outcome("timeout", message="time limit exceeded",
                                            output=text)
        elif killed_for == "memory":
            result.outcomes[name] = Outcome("memory", message=MEMORY_STALL, output=text)
        elif killed_for == "output":
            result.outcomes[name] = Outcome(
                "output", message="printed more than 1 MiB of output; stopped", output=text)
        else:
            result.outcomes[name] = Outcome("crash", message=killed_for, output=text)
        rd.current = name

    def layers(self) -> dict[str, str]:
        """The isolation layers a child gets, as trusted code reported them (never the child:
        the sandboxed process writes them before it runs learner code, on a pipe it then
        closes)."""
        if not self.runner.last_layers:
            child = self.runner.start({"time_s": 5, "memory_mb": 256})
            child.send_job({"tests_source": "", "probes": [], "filename": "empty.py",
                            "problem": "", "limits": {"time_s": 5}}, "")
            self._drive(child, [], Run(), time.monotonic() + 10, reap_later=False)
        return self.runner.layers()

    # -- judging ---------------------------------------------------------------------------
    def grade(self, problem: Problem, source: str, scope: str = "all",
              filename: str = "solution.py") -> Result:
        """Grade ``source`` against ``problem``; ``scope`` is 'all' or 'public'. Never raises
        for anything a submission does: every attempt gets a Result."""
        t0 = time.perf_counter()
        too_big = protocol.source_too_large(source)
        if too_big:
            return Result(problem.id, "error", f"not graded: {too_big}", _ms_since(t0))
        try:
            return self._grade(problem, source, scope, filename, t0)
        except ReferenceError_ as exc:
            return Result(problem.id, "error", str(exc), _ms_since(t0))
        except Exception as exc:  # noqa: BLE001 - recorded like any other attempt
            return Result(problem.id, "error",
                          f"the grader failed on this submission ({type(exc).__name__}: {exc})",
                          _ms_since(t0))

    def _grade(self, problem: Problem, source: str, scope: str, filename: str, t0: float
               ) -> Result:
        probes = self.probes(problem)
        if scope == "public":
            probes = [p for p in probes if p.public]
        refs = self.reference(problem)
        names = [p.name for p in probes if p.runs_in_child]
        run = self.run(problem, source, names, filename) if names else Run()
        outcomes = {}
        for p in probes:
            if p.runs_in_child:
                outcomes[p.name] = run.outcomes.get(p.name, Outcome("skip", message="not run"))
            elif run.load_error is not None:
                outcomes[p.name] = Outcome(run.load_status, message=run.load_error)
            else:
                outcomes[p.name] = Outcome("ok")
        items = [Item(p.name, o.blob, refs.get(p.name, b"")) for p in probes
                 if (o := outcomes[p.name]).status == "ok"]
        verdicts = self.runner.judges().judge(_judge_key(problem),
                                              problem.read("tests.py"), items,
                                              source) if items else {}
        tests = [_test(p, outcomes[p.name], verdicts) for p in probes]
        return _verdict(problem, run, tests, _ms_since(t0))


def _judge_key(problem: Problem) -> str:
    return f"{problem.id}-{problem.version}"


def _test(p: ProbeInfo, o: Outcome, verdicts: dict[str, str | None]) -> TestResult:
    label = p.description or p.name
    if o.status == "ok":
        msg = verdicts.get(p.name, "the result was not checked")
        if msg:
            return TestResult(p.name, "fail", f"{label}: {msg}", o.output, o.ms)
        return TestResult(p.name, "pass", label, o.output, o.ms)
    if o.status == "skip":
        return TestResult(p.name, "skip", o.message, o.output, o.ms)
    return TestResult(p.name, "error", f"{label}: {o.message}", o.output, o.ms)


def _save_refs(path: Path, refs: dict[str, bytes]) -> None:
    names = list(refs)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(protocol.pack({"names": names, "sizes": [len(refs[n]) for n in names]},
                                  b"".join(refs[n] for n in names)))
    tmp.replace(path)


def _load_refs(path: Path) -> dict[str, bytes] | None:
    """The cached references, or None when there are none (or the file is not whole)."""
    try:
        frames = protocol.FrameReader(protocol.JOB_HEADER_CAP, protocol.REPLY_CAP).feed(
            path.read_bytes())
        header, blob = frames[0]
        names, sizes = header["names"], header["sizes"]
        if len(names) != len(sizes) or sum(sizes) != len(blob):
            raise ValueError("sizes do not add up")
    except FileNotFoundError:
        return None
    except (OSError, IndexError, KeyError, TypeError, ValueError, protocol.ProtocolError):
        path.unlink(missing_ok=True)
        return None
    refs, pos = {}, 0
    for n, size in zip(names, sizes, strict=True):
        refs[str(n)] = blob[pos:pos + size]
        pos += size
    return refs


MEMORY_STALL = "memory limit exceeded (it stalled at the limit until the time ran out)"


def _headline(error: str) -> str:
    """The exception's first paragraph on one line, without the traceback lines under it
    (multiprocessing's guard error, for one, spans several lines)."""
    head = []
    for line in error.strip().splitlines():
        if not line.strip() or line.startswith("  line "):
            break
        head.append(line.strip())
    return " ".join(head)


def _one_line(err: str, cap: int = 400) -> str:
    """An error text as one line: the exception's whole message (a strict load_state_dict lists
    the missing and unexpected keys on the lines under its first), then the last traceback line
    (the learner's line) if there is one."""
    lines = err.strip().splitlines() or ["error"]
    head = _headline(err) or lines[0].strip()
    if len(head) > cap:
        head = head[:cap] + " …"
    last = lines[-1]
    return head + (f" ({last.strip()})" if last.startswith("  line ") else "")


def _status_of(exit_info: ExitInfo, current_status: str) -> str:
    return "memory" if exit_info.oom else current_status


def _ms_since(t0: float) -> int:
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
