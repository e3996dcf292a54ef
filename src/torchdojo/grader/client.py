"""Talk to the local worker daemon, starting it on demand; or grade cold, in-process.

``Grader`` is what the interfaces use: ``grade(problem_id, source, scope)`` returns a Result.
With ``cold=True`` (or ``TORCHDOJO_NO_DAEMON=1``) it starts its own zygote for this process only.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from torchdojo.grader import protocol
from torchdojo.results import Result
from torchdojo.workspace import Workspace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (fast CLI path)
if TYPE_CHECKING:
    from typing import Any

    from torchdojo.bank import Problem

START_TIMEOUT_S = 120.0


class DaemonError(RuntimeError):
    pass


class DaemonClient:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def _connect(self) -> socket.socket:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(self.ws.socket_path))
        return s

    def request(self, req: dict[str, Any], start: bool = True, blob: bytes = b"") -> dict[str, Any]:
        try:
            s = self._connect()
        except OSError:
            if not start:
                raise DaemonError("the grading daemon is not running") from None
            self.spawn()
            s = self._connect()
        with s:
            s.sendall(protocol.pack(req, blob))
            reader = protocol.FrameReader(protocol.REPLY_CAP, protocol.REPLY_CAP)
            while True:
                chunk = s.recv(1 << 16)
                if not chunk:
                    raise DaemonError("the grading daemon closed the connection")
                frames = reader.feed(chunk)
                if frames:
                    reply = frames[0][0]
                    if "error" in reply:
                        raise DaemonError(str(reply["error"]))
                    return reply

    def spawn(self) -> None:
        """Start the daemon in the background and wait until it answers."""
        import subprocess  # only here: a check against a running daemon never needs it

        log = open(self.ws.log_path, "ab")  # noqa: SIM115 - handed to the child
        subprocess.Popen(
            [sys.executable, "-P", "-m", "torchdojo.grader.daemon", "--socket",
             str(self.ws.socket_path), "--cache", str(self.ws.cache_dir / "refs"),
             "--hide", str(self.ws.root)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                self._connect().close()
                return
            except OSError:
                time.sleep(0.05)
        raise DaemonError(f"the grading daemon did not start; see {self.ws.log_path}")

    def stop(self) -> bool:
        try:
            self.request({"op": "shutdown"}, start=False)
            return True
        except (DaemonError, OSError):
            return False


class Grader:
    """Grades through the daemon (default) or a private cold zygote."""

    def __init__(self, ws: Workspace, cold: bool | None = None, one_shot: bool = False) -> None:
        """``one_shot``: a cold grader that will grade one problem (``check --cold``) starts a
        lean zygote; one that grades many (``validate``, ``watch``) starts a warm, full one."""
        self.ws = ws
        self.cold = cold if cold is not None else os.environ.get("TORCHDOJO_NO_DAEMON") == "1"
        self.one_shot = one_shot
        self._worker = None
        self._bank = None

    def _local(self, problem_id: str | None = None, source: str = ""):  # type: ignore[no-untyped-def]
        """The private worker of a cold grader, started for the first problem it grades.

        The worker itself never imports torch (it neither decodes nor judges: the zygote's
        children and its judge process do). For a one-shot check the zygote is lean (torch only,
        no warm-up; torchvision only when the problem or the submission names it): the check
        then costs about one torch import.
        """
        if self._worker is None:
            from torchdojo.bank import Bank
            from torchdojo.grader.runner import ZygoteRunner

            self._bank = Bank()
            lean = self.one_shot and problem_id is not None
            tv = not lean or "torchvision" in source or _names_torchvision(
                self._bank.get(problem_id))
            runner = ZygoteRunner(torchvision=tv, warm=not lean, wait=False,
                                  hide=[self.ws.root, self.ws.cache_dir])
            try:
                from torchdojo.grader.worker import Worker

                runner.wait_ready()
            except BaseException:
                runner.close()
                raise
            self._worker = Worker(runner, cache_dir=self.ws.cache_dir / "refs")
        return self._worker

    def grade(self, problem_id: str, source: str, scope: str = "all",
              filename: str = "solution.py") -> Result:
        too_big = protocol.source_too_large(source)
        if too_big:  # the same answer on every path, before anything is started
            return Result(problem_id, "error", f"not graded: {too_big}")
        if self.cold:
            w = self._local(problem_id, source)
            return w.grade(self._bank.get(problem_id), source, scope, filename)
        reply = DaemonClient(self.ws).request(
            {"op": "check", "problem": problem_id, "scope": scope, "filename": filename},
            blob=source.encode("utf-8", "surrogatepass"))
        return Result.from_dict(reply["result"])

    def layers(self) -> dict[str, str]:
        if self.cold:
            return self._local().layers()
        return DaemonClient(self.ws).request({"op": "layers"})["layers"]

    def close(self) -> None:
        if self._worker is not None:
            self._worker.runner.close()
            self._worker = None


def read_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _names_torchvision(problem: Problem) -> bool:
    """Whether any of the problem's files mentions torchvision (so the zygote should import it)."""
    return any("torchvision" in problem.read(name)
               for name in ("starter.py", "solution.py", "tests.py")
               if problem.file(name).exists())
