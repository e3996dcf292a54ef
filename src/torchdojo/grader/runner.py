"""How a job reaches a child process: the interface the worker uses, and the plain runner.

``PlainRunner`` starts an ordinary subprocess (no sandbox) -- for bank authors' quick checks and
as the last fallback. The sandboxed runner (``zygote.ZygoteRunner``) forks pre-warmed children
from a torch zygote and isolates them; both hand the worker a ``ChildHandle``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Protocol

from torchdojo.grader import protocol


@dataclass
class ExitInfo:
    """How a child ended: exit code or signal, and whether the memory cap was hit."""

    code: int | None = None
    signal: int | None = None
    oom: bool = False

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

    def send_job(self, job: dict[str, Any]) -> None: ...

    def kill(self) -> None: ...

    def wait(self, exit_frame: dict[str, Any] | None = None) -> ExitInfo: ...


class Runner(Protocol):
    startup_s: float
    last_layers: dict[str, str]

    def start(self, limits: dict[str, Any]) -> ChildHandle: ...

    def layers(self) -> dict[str, str]: ...

    def close(self) -> None: ...


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
        for fd in (job_r, res_w, out_w):
            os.close(fd)

    def send_job(self, job: dict[str, Any]) -> None:
        try:
            protocol.write_frame(self._job_w, job)
        except BrokenPipeError:
            pass
        finally:
            os.close(self._job_w)

    def kill(self) -> None:
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, exit_frame: dict[str, Any] | None = None) -> ExitInfo:
        rc = self._proc.wait()
        for fd in (self.result_fd, self.output_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        return ExitInfo(signal=-rc) if rc < 0 else ExitInfo(code=rc)


class PlainRunner:
    """No isolation at all: trusted code only (the bank's own references and authors' checks)."""

    startup_s = 60.0  # a plain child imports torch itself; that is not the submission's time

    def start(self, limits: dict[str, Any]) -> PlainChild:
        return PlainChild()

    last_layers: dict[str, str] = {}

    def layers(self) -> dict[str, str]:
        return {"sandbox": "none (plain subprocess)"}

    def close(self) -> None:
        pass


class ZygoteChild:
    """A sandboxed child handed over by the zygote: its pid and our ends of its pipes."""

    def __init__(self, pid: int, fds: list[int], group: Any) -> None:
        self.pid = pid
        self._job_w, self.result_fd, self.output_fd = fds
        self._group = group

    def send_job(self, job: dict[str, Any]) -> None:
        if self._group is not None:
            self._group.set_memory(int(job.get("limits", {}).get("memory_mb", 1024)) << 20)
        try:
            protocol.write_frame(self._job_w, job)
        except (BrokenPipeError, OSError):
            pass
        finally:
            os.close(self._job_w)

    def kill(self) -> None:
        for target in (self.pid,):
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
        if self._group is not None:
            self._group.kill_all()

    def wait(self, exit_frame: dict[str, Any] | None = None) -> ExitInfo:
        oom = self._group.oom_killed() if self._group is not None else False
        if self._group is not None:
            self._group.kill_all_and_remove()
        for fd in (self.result_fd, self.output_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        if exit_frame is None:
            return ExitInfo(signal=signal.SIGKILL, oom=oom)
        sig = exit_frame.get("signal")
        return ExitInfo(code=exit_frame.get("code"), signal=sig, oom=oom)


class ZygoteRunner:
    """Sandboxed children from a warm torch zygote (see ``zygote.py``)."""

    startup_s = 0.0  # children come with torch already imported

    def __init__(self, start_timeout: float = 120.0, *, torchvision: bool = True,
                 warm: bool = True, wait: bool = True) -> None:
        """Start the zygote process.

        ``torchvision=False`` and ``warm=False`` make a lean zygote for one-shot checks: it
        imports only torch (torchvision alone costs about as much again) and skips the warm-up
        that only pays off over many children. ``wait=False`` returns at once so the caller can
        import torch itself in parallel; ``wait_ready()`` (or the first ``start``) then waits.
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
               "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
               **protocol.CPU_ONLY_ENV}
        flags = ([] if torchvision else ["--no-torchvision"]) + ([] if warm else ["--no-warm"])
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "torchdojo.grader.zygote", str(theirs.fileno()), *flags],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
        theirs.close()
        self.last_layers: dict[str, str] = {}
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
        self._roots = {k: __import__("pathlib").Path(v) for k, v in hello["cgroups"].items()}
        self._ready = True

    def start(self, limits: dict[str, Any]) -> ZygoteChild:
        self.wait_ready()
        self.sock.send(b"T")
        msg, fds, _, _ = self._socket.recv_fds(self.sock, 4096, 3)
        if len(fds) != 3:
            raise RuntimeError("the grading zygote sent a malformed child")
        pid = int(self._json.loads(msg)["pid"])
        group = self._cgroups.ChildGroup(self._roots, f"c{pid}") if self._roots else None
        return ZygoteChild(pid, fds, group)

    def layers(self) -> dict[str, str]:
        return dict(self.last_layers)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
