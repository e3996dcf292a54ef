"""How a job reaches a child process: the interface the worker uses, and the plain runner.

``PlainRunner`` starts an ordinary subprocess (no sandbox) -- for bank authors' quick checks and
as the last fallback. The sandboxed runner (``ZygoteRunner``) forks pre-warmed children from a
torch zygote and isolates them; both hand the worker a ``ChildHandle``. Each runner also gives
the worker its judges (``judging``): inline for the plain runner, which only ever sees trusted
code, a process forked from the zygote for the sandboxed one.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from torchdojo.grader import judging, protocol

STATUS_WAIT_S = 2.0  # how long a finished child's status (its exit) may take to arrive


@dataclass
class ExitInfo:
    """How a child ended: exit code or signal, and whether the memory cap was hit."""

    code: int | None = None
    signal: int | None = None
    oom: bool = False
    at_memory_limit: bool = False  # reached the cap at some point (killed or not)

    def describe(self) -> str:
        if self.oom:
            return "killed: memory limit exceeded"
        if self.signal is not None:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = f"signal {self.signal}"
            return f"killed by {name}"
        return f"exited with code {self.code}"


class ChildHandle(Protocol):
    result_fd: int
    output_fd: int

    def send_job(self, job: dict[str, Any], source: str) -> None: ...

    def ack(self) -> None: ...

    def finish(self, kill: bool) -> ExitInfo: ...


class Runner(Protocol):
    startup_s: float
    last_layers: dict[str, str]

    def start(self, limits: dict[str, Any]) -> ChildHandle: ...

    def judges(self) -> judging.Judges: ...

    def layers(self) -> dict[str, str]: ...

    def close(self) -> None: ...


def _encode_source(source: str) -> bytes:
    return source.encode("utf-8", "surrogatepass")


def _write(fd: int, data: bytes) -> bool:
    try:
        os.write(fd, data)
        return True
    except OSError:  # the child has gone, or closed its end: its frames will say so
        return False


def _close(*fds: int) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


class PlainChild:
    """An unsandboxed subprocess running the harness."""

    def __init__(self) -> None:
        job_r, self._job_w = os.pipe()
        self.result_fd, res_w = os.pipe()
        self.output_fd, out_w = os.pipe()
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        env.update(OMP_NUM_THREADS="1", PYTHONPATH=os.pathsep.join(sys.path),
                   **protocol.CPU_ONLY_ENV)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "torchdojo.grader.harness", str(job_r), str(res_w)],
            pass_fds=(job_r, res_w), stdin=subprocess.DEVNULL, stdout=out_w,
            stderr=out_w, start_new_session=True, env=env,
        )
        _close(job_r, res_w, out_w)

    def send_job(self, job: dict[str, Any], source: str) -> None:
        try:
            protocol.write_frame(self._job_w, job, _encode_source(source))
        except OSError:
            pass

    def ack(self) -> None:
        _write(self._job_w, b"A")

    def finish(self, kill: bool) -> ExitInfo:
        if kill:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        rc = self._proc.wait()
        _close(self._job_w, self.result_fd, self.output_fd)
        return ExitInfo(signal=-rc) if rc < 0 else ExitInfo(code=rc)


class PlainRunner:
    """No isolation at all: trusted code only (the bank's own references and authors' checks)."""

    startup_s = 60.0  # a plain child imports torch itself; that is not the submission's time

    def __init__(self) -> None:
        self.last_layers: dict[str, str] = {}
        self._judges = judging.InlineJudges()

    def start(self, limits: dict[str, Any]) -> PlainChild:
        return PlainChild()

    def judges(self) -> judging.Judges:
        return self._judges

    def layers(self) -> dict[str, str]:
        return {"sandbox": "none (plain subprocess)"}

    def close(self) -> None:
        pass


class ZygoteChild:
    """A sandboxed child handed over by the zygote: its pid and our ends of its pipes."""

    def __init__(self, pid: int, fds: list[int], group: Any, runner: ZygoteRunner) -> None:
        self.pid = pid
        self._job_w, self.result_fd, self.output_fd, self._status_fd = fds
        self._group = group
        self._runner = runner

    def send_job(self, job: dict[str, Any], source: str) -> None:
        if self._group is not None:
            self._group.set_memory(int(job.get("limits", {}).get("memory_mb", 1024)) << 20)
        try:
            protocol.write_frame(self._job_w, job, _encode_source(source))
        except OSError:
            pass

    def ack(self) -> None:
        _write(self._job_w, b"A")

    def _kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        if self._group is not None:
            self._group.kill_all()

    def _status(self) -> dict[str, Any] | None:
        """Read the status pipe to its end: the layers (from the child before it ran learner
        code) and the exit (from its parent). Only trusted code ever wrote to it."""
        reader = protocol.FrameReader()
        exit_frame = None
        deadline = time.monotonic() + STATUS_WAIT_S
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self._status_fd], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self._status_fd, 1 << 16)
                frames = reader.feed(chunk) if chunk else []
            except (OSError, protocol.ProtocolError):
                break
            if not chunk:
                break
            for header, _ in frames:
                if header.get("kind") == "layers" and isinstance(header.get("layers"), dict):
                    self._runner.last_layers = {str(k): str(v)
                                                for k, v in header["layers"].items()}
                elif header.get("kind") == "exit":
                    exit_frame = header
        return exit_frame

    def finish(self, kill: bool) -> ExitInfo:
        """End the child (killing it first when ``kill``), collect its status, free it all."""
        if kill:
            self._kill()
        exit_frame = self._status()
        if exit_frame is None:  # no word from its parent: it may still be there (once it
            self._kill()        # has said how P ended, its pid may already belong to another)
        oom = at_cap = False
        if self._group is not None:
            oom = self._group.oom_killed()
            at_cap = oom or self._group.hit_memory_limit()
            self._group.kill_all_and_remove()
        _close(self._job_w, self.result_fd, self.output_fd, self._status_fd)
        if exit_frame is None:
            return ExitInfo(signal=signal.SIGKILL, oom=oom, at_memory_limit=at_cap)
        sig, code = exit_frame.get("signal"), exit_frame.get("code")
        return ExitInfo(code=code if isinstance(code, int) else None,
                        signal=sig if isinstance(sig, int) else None, oom=oom,
                        at_memory_limit=at_cap)


def zygote_path() -> str:
    """The zygote's PYTHONPATH: this process's sys.path, less the current directory.

    ``python -m`` puts the directory it was started in on sys.path; that is wherever the learner
    ran ``torchdojo`` (their home, a checkout), which the sandbox has no reason to read.
    """
    cwd = os.path.realpath(os.getcwd())
    return os.pathsep.join(p for p in sys.path if p and os.path.realpath(p) != cwd)


class ZygoteRunner:
    """Sandboxed children from a warm torch zygote (see ``zygote.py``)."""

    startup_s = 0.0  # children come with torch already imported

    def __init__(self, start_timeout: float = 120.0, *, torchvision: bool = True,
                 warm: bool = True, wait: bool = True, hide: list[Path] | None = None) -> None:
        """Start the zygote process.

        ``torchvision=False`` and ``warm=False`` make a lean zygote for one-shot checks: it
        imports only torch (torchvision alone costs about as much again) and skips the warm-up
        that only pays off over many children. ``wait=False`` returns at once so the caller can
        import torch itself in parallel; ``wait_ready()`` (or the first ``start``) then waits.
        ``hide``: directories no child may read, besides the bank's own references (the
        workspace with its progress database and reference cache).
        """
        import json
        import socket

        from torchdojo.grader import cgroups

        self._json = json
        self._socket = socket
        self._cgroups = cgroups
        self._start_timeout = start_timeout
        self._ready = False
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_NUM_THREADS": "1",
               "LANG": "C.UTF-8", "PYTHONPATH": zygote_path(), **protocol.CPU_ONLY_ENV}
        flags = ([] if torchvision else ["--no-torchvision"]) + ([] if warm else ["--no-warm"])
        for path in hide or []:
            flags += ["--hide", str(path)]
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "torchdojo.grader.zygote", str(theirs.fileno()),
             *flags],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
            start_new_session=True, cwd="/",
        )
        theirs.close()
        self.last_layers: dict[str, str] = {}
        self._judges = judging.ProcessJudges(self._fork_judge)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the zygote has imported torch and forked its first child."""
        if self._ready:
            return
        self.sock.settimeout(self._start_timeout)
        try:
            hello = self._json.loads(self.sock.recv(4096) or b"{}")
        except (OSError, ValueError) as exc:
            self.close()
            raise RuntimeError(f"the grading zygote did not start: {exc}") from exc
        if not hello.get("ready"):
            self.close()
            raise RuntimeError("the grading zygote did not start")
        self.sock.settimeout(30)
        self._roots = {k: Path(v) for k, v in hello["cgroups"].items()}
        self._ready = True

    def _take(self, what: bytes, nfds: int) -> tuple[int, list[int]]:
        self.wait_ready()
        self.sock.send(what)
        msg, fds, _, _ = self._socket.recv_fds(self.sock, 4096, nfds)
        if len(fds) != nfds:
            _close(*fds)
            raise RuntimeError("the grading zygote sent a malformed answer")
        return int(self._json.loads(msg)["pid"]), fds

    def start(self, limits: dict[str, Any]) -> ZygoteChild:
        pid, fds = self._take(b"T", 4)
        group = self._cgroups.ChildGroup(self._roots, f"c{pid}") if self._roots else None
        return ZygoteChild(pid, fds, group, self)

    def _fork_judge(self) -> tuple[int, int, int]:
        pid, (req_w, resp_r) = self._take(b"J", 2)
        return pid, req_w, resp_r

    def judges(self) -> judging.Judges:
        return self._judges

    def layers(self) -> dict[str, str]:
        return dict(self.last_layers)

    def close(self) -> None:
        self._judges.close()
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
