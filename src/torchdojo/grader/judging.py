"""Judging: each observation compared with the reference's, or judged, under limits.

The worker never decodes what a child sent, and never runs a judge itself: a comparison or a
``tests.py`` judge handed a hostile observation could take any time or memory, in the daemon
that serves every check. It sends the job's raw observations, the references and the submitted
source to a judge process instead -- forked from the zygote, with an address-space limit -- and
waits for the verdicts under a deadline. A judge that runs out of time or memory is killed (a
fresh one is forked for the next check) and its probes fail with a message; they never pass.
Source probes run here too, on the text the worker holds.

The plain runner, which only ever grades trusted code, judges inline (``InlineJudges``).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from torchdojo.grader import linux, protocol
from torchdojo.probes import Probe, collect

JUDGE_TIME_S = 5.0  # all of one check's judging
JUDGE_MEMORY_MB = 1024  # on top of what the judge process has mapped when it starts
REQUEST_CAP = 192 * 1024 * 1024  # source, observations and references of one check
_MESSAGE_CAP = 400


@dataclass(frozen=True)
class ProbeInfo:
    """What the worker knows of a probe: enough to run and report it, none of its code."""

    name: str
    description: str
    public: bool
    runs_in_child: bool

    @classmethod
    def of(cls, p: Probe) -> ProbeInfo:
        return cls(p.name, p.description, p.public, p.runs_in_child)


@dataclass
class Item:
    """One probe to judge: the learner's encoded observation and the reference's."""

    name: str
    got: bytes = b""
    ref: bytes = b""


def tests_probes(tests_source: str, key: str) -> dict[str, Probe]:
    """The probes of a problem's ``tests.py`` (the bank's own, trusted code), by name."""
    ns: dict[str, Any] = {"__name__": f"_torchdojo_tests_{key}"}
    exec(compile(tests_source, "tests.py", "exec"), ns)  # noqa: S102 - bank code
    return {p.name: p for p in collect(ns)}


def judge_one(p: Probe, item: Item, source: str) -> str | None:
    """None for a pass, else the one-line reason; never raises."""
    from torchdojo.grader import codec  # torch: only where observations are decoded

    try:
        if p.source_judge is not None:
            return p.source_judge(source)
        try:
            got = codec.decode(item.got)
        except ValueError as exc:
            return f"the result could not be read ({exc})"
        ref = codec.decode(item.ref)
        if p.judge is not None:
            return p.judge(got, ref)
        from torchdojo.grader.compare import compare

        return compare(got, ref, rtol=p.rtol, atol=p.atol, check_dtype=p.check_dtype)
    except MemoryError:
        return "the result was too large to check within the judges' memory limit"
    except Exception as exc:  # noqa: BLE001 - a malformed observation fails
        return f"the result could not be checked ({type(exc).__name__}: {exc})"[:_MESSAGE_CAP]


class Judges(Protocol):
    def describe(self, key: str, tests_source: str) -> list[ProbeInfo]: ...

    def judge(self, key: str, tests_source: str, items: list[Item], source: str
              ) -> dict[str, str | None]: ...

    def close(self) -> None: ...


class InlineJudges:
    """Judging in this process: for the plain runner, which only grades trusted code."""

    def __init__(self) -> None:
        self._probes: dict[str, dict[str, Probe]] = {}

    def _of(self, key: str, tests_source: str) -> dict[str, Probe]:
        if key not in self._probes:
            self._probes[key] = tests_probes(tests_source, key)
        return self._probes[key]

    def describe(self, key: str, tests_source: str) -> list[ProbeInfo]:
        return [ProbeInfo.of(p) for p in self._of(key, tests_source).values()]

    def judge(self, key: str, tests_source: str, items: list[Item], source: str
              ) -> dict[str, str | None]:
        probes = self._of(key, tests_source)
        return {it.name: judge_one(probes[it.name], it, source) for it in items}

    def close(self) -> None:
        pass


class ProcessJudges:
    """A judge process forked from the zygote, restarted after it is killed or dies."""

    def __init__(self, fork: Callable[[], tuple[int, int, int]],
                 time_s: float = JUDGE_TIME_S) -> None:
        self._fork = fork
        self.time_s = time_s
        self._proc: tuple[int, int, int] | None = None  # pid, request fd, response fd

    def _send(self, header: dict[str, Any], blob: bytes) -> tuple[int, int, int]:
        for attempt in (0, 1):
            if self._proc is None:
                self._proc = self._fork()
            try:
                protocol.write_frame(self._proc[1], header, blob)
                return self._proc
            except OSError:  # it died since the last check (its memory limit, say)
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def describe(self, key: str, tests_source: str) -> list[ProbeInfo]:
        """The probes of a ``tests.py``, read in the judge process: the worker itself never
        runs bank code (nor imports torch, which every ``tests.py`` does)."""
        _, _, resp = self._send({"op": "describe", "key": key, "tests_source": tests_source}, b"")
        reader = protocol.FrameReader(protocol.REPLY_CAP, 0)
        deadline = time.monotonic() + 60  # a first import of what tests.py needs
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([resp], [], [], left)[0]:
                self.close()
                raise RuntimeError("the judge process did not describe the probes in time")
            chunk = os.read(resp, 1 << 16)
            if not chunk:
                self.close()
                raise RuntimeError("the judge process died describing the probes")
            for h, _ in reader.feed(chunk):
                if "error" in h:
                    raise RuntimeError(f"tests.py of {key} failed to load: {h['error']}")
                return [ProbeInfo(**d) for d in h["probes"]]

    def judge(self, key: str, tests_source: str, items: list[Item], source: str
              ) -> dict[str, str | None]:
        src = source.encode("utf-8", "surrogatepass")
        header = {"key": key, "tests_source": tests_source, "source": len(src),
                  "items": [[it.name, len(it.got), len(it.ref)] for it in items]}
        blob = b"".join([src, *(b for it in items for b in (it.got, it.ref))])
        verdicts: dict[str, str | None] = {}
        try:
            _, _, resp = self._send(header, blob)
        except (OSError, RuntimeError) as exc:
            return {it.name: f"the result could not be checked (judge: {exc})" for it in items}
        reader = protocol.FrameReader(protocol.REPLY_CAP, 0)
        deadline = time.monotonic() + self.time_s
        why = ""
        done = False
        while not done:
            left = deadline - time.monotonic()
            ready = select.select([resp], [], [], left)[0] if left > 0 else []
            if not ready:
                why = (f"the result could not be checked within the judges' time limit "
                       f"({self.time_s:g} s)")
                break
            chunk = os.read(resp, 1 << 16)
            if not chunk:
                why = "the result could not be checked (the judge ran out of memory or died)"
                break
            for h, _ in reader.feed(chunk):
                if "error" in h:  # tests.py itself did not load: a bank bug
                    why, done = f"the result could not be checked ({h['error']})", True
                elif h.get("done"):
                    done = True
                else:
                    verdicts[str(h["name"])] = h.get("message")
        if not done:
            self.close()
        for it in items:
            verdicts.setdefault(it.name, why)
        return verdicts

    def close(self) -> None:
        if self._proc is None:
            return
        pid, req, resp = self._proc
        self._proc = None
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        for fd in (req, resp):
            try:
                os.close(fd)
            except OSError:
                pass


def serve(req_fd: int, resp_fd: int) -> None:
    """The judge process's loop: one request in, one frame per verdict and ``done`` out."""
    cap = linux.vm_size_bytes() + (JUDGE_MEMORY_MB << 20)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cache: dict[str, dict[str, Probe]] = {}
    while True:
        try:
            header, blob = protocol.read_frame_blocking(req_fd, protocol.JOB_HEADER_CAP,
                                                        REQUEST_CAP)
        except (protocol.ProtocolError, OSError):
            os._exit(0)  # the worker has gone
        key = str(header["key"])
        if key not in cache:
            cache.clear()  # one problem at a time is the common case; keep memory flat
            try:
                cache[key] = tests_probes(header["tests_source"], key)
            except Exception as exc:  # noqa: BLE001 - a bank bug, reported to the worker
                protocol.write_frame(resp_fd, {"error": f"{type(exc).__name__}: {exc}"})
                continue
        probes = cache[key]
        if header.get("op") == "describe":
            protocol.write_frame(resp_fd, {"probes": [ProbeInfo.of(p).__dict__
                                                      for p in probes.values()]})
            continue
        view = memoryview(blob)
        n = int(header["source"])
        source = bytes(view[:n]).decode("utf-8", "surrogatepass")
        pos = n
        for name, n_got, n_ref in header["items"]:
            item = Item(name, bytes(view[pos:pos + n_got]), bytes(view[pos + n_got:
                                                                       pos + n_got + n_ref]))
            pos += n_got + n_ref
            msg = judge_one(probes[name], item, source)
            protocol.write_frame(resp_fd, {"name": name, "message": msg})
        protocol.write_frame(resp_fd, {"done": True})
