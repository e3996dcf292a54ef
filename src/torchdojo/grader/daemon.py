"""The local worker daemon: warm workers behind a unix socket, started on demand.

One worker (with its own zygote) per core, up to ``--workers``. Requests and replies are frames
(``protocol``) with JSON headers: ``{"op": "check", "problem", "scope", "filename"}`` with the
source (UTF-8, at most ``protocol.SOURCE_CAP`` bytes) as the blob -> ``{"result": {...}}``;
``ping``; ``layers``; ``shutdown``. A request over the caps gets ``{"error": ...}``, then the
connection closes. The daemon exits after
``--idle`` seconds without a request (default 15 minutes).

Stopping is ordered so a client never reaches a daemon on its way out: ``shutdown`` removes the
socket file before it answers (the next client starts a fresh daemon), the checks already
running finish, and only then are the workers closed.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any

from torchdojo.bank import Bank
from torchdojo.grader import protocol
from torchdojo.grader.runner import ZygoteRunner
from torchdojo.grader.worker import Worker

IDLE_S = 15 * 60


def peer_allowed(conn: socket.socket) -> bool:
    """Only our own user, from our own network namespace, may talk to the daemon.

    Every sandboxed child lives in a network namespace of its own, so code under grading cannot
    reach the daemon through its socket file even where the workspace is visible to it.
    """
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid, uid, _gid = struct.unpack("3i", creds)
        if uid != os.getuid():
            return False
        return os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
    except OSError:
        return False


class Daemon:
    def __init__(self, socket_path: Path, cache_dir: Path, workers: int, idle_s: float,
                 hide: list[Path] | None = None) -> None:
        self.socket_path = socket_path
        self.hide = [cache_dir, *(hide or [])]  # no child may read these
        self.bank = Bank()
        self.idle_s = idle_s
        self.last = time.monotonic()
        self.pool: queue.Queue[Worker] = queue.Queue()
        self.workers: list[Worker] = []
        threads = [threading.Thread(target=self._add_worker, args=(cache_dir,))
                   for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not self.workers:
            raise RuntimeError("no grading worker could start")
        self.stop = threading.Event()
        self.busy = threading.Condition()  # guards self.active: requests being handled
        self.active = 0
        self.socket_ino: int | None = None  # our socket file, once bound

    def _add_worker(self, cache_dir: Path) -> None:
        try:
            w = Worker(ZygoteRunner(hide=self.hide), cache_dir=cache_dir)
        except RuntimeError:
            return
        self.workers.append(w)
        self.pool.put(w)

    def handle(self, req: dict[str, Any], blob: bytes = b"") -> dict[str, Any]:
        op = req.get("op")
        if op == "ping":
            return {"ok": True, "pid": os.getpid(), "workers": len(self.workers)}
        if op == "shutdown":
            self._retire()
            self.stop.set()
            return {"ok": True}
        if op == "layers":
            w = self.pool.get()
            try:
                return {"layers": w.layers()}
            finally:
                self.pool.put(w)
        if op == "check":
            problem = self.bank.current(str(req["problem"]))  # edits seen without a restart
            w = self.pool.get()
            try:
                source = blob.decode("utf-8", "surrogatepass")
                res = w.grade(problem, source, scope=str(req.get("scope", "all")),
                              filename=str(req.get("filename", "solution.py")))
            finally:
                self.pool.put(w)
            return {"result": res.to_dict()}
        return {"error": f"unknown op {op!r}"}

    def _serve_conn(self, conn: socket.socket) -> None:
        with conn:
            if not peer_allowed(conn):
                return
            reader = protocol.FrameReader(protocol.CHILD_HEADER_CAP, protocol.SOURCE_CAP)
            while True:
                try:
                    chunk = conn.recv(1 << 16)
                except OSError:
                    return
                if not chunk:
                    return
                try:
                    frames = reader.feed(chunk)
                except protocol.ProtocolError as exc:
                    try:
                        conn.sendall(protocol.pack({"error": f"request refused: {exc}"}))
                    except OSError:
                        pass
                    return
                for header, blob in frames:
                    self.last = time.monotonic()
                    with self.busy:
                        self.active += 1
                    try:
                        try:
                            reply = self.handle(header, blob)
                        except Exception as exc:  # noqa: BLE001 - report, keep serving
                            reply = {"error": f"{type(exc).__name__}: {exc}"}
                        self.last = time.monotonic()
                        try:
                            conn.sendall(protocol.pack(reply))
                        except OSError:
                            return
                    finally:  # counted until the reply is sent: stopping waits for it
                        with self.busy:
                            self.active -= 1
                            self.busy.notify_all()

    def serve(self) -> None:
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.socket_path.with_name(self.socket_path.name + f".{os.getpid()}")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            srv.bind(str(tmp))
        finally:
            os.umask(old)
        srv.listen(16)
        os.replace(tmp, self.socket_path)  # atomic: clients never see a half-made socket
        self.socket_ino = self.socket_path.stat().st_ino
        srv.settimeout(1.0)
        try:
            while not self.stop.is_set():
                if time.monotonic() - self.last > self.idle_s:
                    break
                try:
                    conn, _ = srv.accept()
                except TimeoutError:
                    continue
                conn.settimeout(None)
                threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()
        finally:
            self._retire()
            srv.close()
            with self.busy:  # let the checks in flight finish before their workers go
                self.busy.wait_for(lambda: self.active == 0, timeout=120)
            for w in self.workers:
                w.runner.close()

    def _retire(self) -> None:
        """Remove our socket file (not a newer daemon's that replaced it), so new clients start
        a fresh daemon instead of reaching this one while it stops."""
        try:
            if self.socket_path.stat().st_ino == self.socket_ino:
                self.socket_path.unlink()
        except OSError:
            pass


def main() -> None:
    ap = argparse.ArgumentParser(description="torchdojo grading daemon")
    ap.add_argument("--socket", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4))
    ap.add_argument("--idle", type=float, default=IDLE_S)
    ap.add_argument("--hide", action="append", default=[], help="a directory no child may read")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Daemon(Path(args.socket), Path(args.cache), args.workers, args.idle,
           [Path(h) for h in args.hide]).serve()


if __name__ == "__main__":
    main()
