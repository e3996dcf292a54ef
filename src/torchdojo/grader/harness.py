"""The child side of a check: load the learner's code, run the probes, stream observations.

Runs inside the sandbox (or, for bank authors, a plain subprocess). It decides nothing: every
probe's observation, or the exception it raised, goes back to the worker as one frame; the worker
compares and judges. Frames: ``loaded`` (the module imported, or why not), ``start`` (a probe
begins; if no ``result`` follows, the worker knows which probe crashed), ``result``, ``done``.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import random
import sys
import textwrap
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from typing import Any

from torchdojo.grader import protocol

LEARNER_MODULE = "submission"


def _learner_traceback(exc: BaseException, filename: str, show_all: bool) -> str:
    """Traceback frames from the learner's file only (all frames for public probes)."""
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in frames if show_all or f.filename == filename]
    lines = [f"  line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in keep[-6:]]
    text = textwrap.dedent(str(exc)).strip()  # some messages start with a newline + indent
    head = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return "\n".join([head, *lines]) if lines else head


def _report_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Print the warnings a probe raised (once each) so they show in the test's output."""
    seen = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key in seen:
            continue
        seen.add(key)
        where = os.path.basename(w.filename)
        print(f"{w.category.__name__}: {w.message} ({where}:{w.lineno})", file=sys.stderr)


def _seed_everything(seed: int = 0) -> None:
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    try:
        import numpy as np

        np.random.seed(seed)
    except ImportError:  # pragma: no cover
        pass


def flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a learner may have replaced the stream
            pass


def load_module(name: str, source: str, filename: str) -> types.ModuleType:
    """Execute ``source`` as a fresh module registered in sys.modules."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    code = compile(source, filename, "exec", dont_inherit=True)
    exec(code, module.__dict__)  # noqa: S102 - running the learner's code is the point
    return module


@contextlib.contextmanager
def _bootstrapping() -> Iterator[None]:
    """While the learner's module imports, a spawn/forkserver process start fails at once.

    The learner's module is loaded from a string, so a spawned worker can never import it: a
    module that starts a spawn pool at import time (no ``if __name__ == "__main__":`` guard)
    would hang until the time limit. Marking this process as still bootstrapping, the state of
    a spawned worker re-importing its main module, makes multiprocessing raise its own
    RuntimeError about the missing guard instead. Fork starts do not look at the flag, and the
    mark is lifted before any probe runs.
    """
    import multiprocessing.process

    proc = multiprocessing.process.current_process()
    before = getattr(proc, "_inheriting", False)
    proc._inheriting = True
    try:
        yield
    finally:
        proc._inheriting = before


def _await_ack(ack_fd: int | None) -> None:
    """Wait until the worker has taken the output printed so far (one byte per frame).

    Without it the output of the next probe could reach the worker before it has read this
    probe's result, and be shown under the wrong test. A learner who reads or closes the
    descriptor only muddles their own output.
    """
    if ack_fd is None:
        return
    try:
        os.read(ack_fd, 1)
    except OSError:
        pass


def run_job(job: dict[str, Any], source: str, out_fd: int, ack_fd: int | None = None) -> None:
    """Run one job (a learner's source and a tests module's source) and stream frames."""
    from torchdojo.grader import codec
    from torchdojo.probes import collect

    def send(header: dict[str, Any], blob: bytes = b"") -> None:
        flush()
        protocol.write_frame(out_fd, header, blob)
        if header["kind"] in ("loaded", "result"):
            _await_ack(ack_fd)

    tests = load_module("_torchdojo_probes", job["tests_source"], "tests.py")
    probes = {p.name: p for p in collect(vars(tests))}
    filename = job.get("filename", "solution.py")
    t0 = time.perf_counter()
    try:
        with _bootstrapping():
            learner = load_module(LEARNER_MODULE, source, filename)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
        send({"kind": "loaded", "ok": False,
              "error": _learner_traceback(exc, filename, show_all=False),
              "exc_type": _exc_type(exc), "ms": _ms(t0)})
        return
    send({"kind": "loaded", "ok": True, "ms": _ms(t0)})
    for name in job["probes"]:
        p = probes[name]
        send({"kind": "start", "name": name})
        _seed_everything()
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                obs = p.fn(learner)
                blob = codec.encode(codec.sanitize(obs))
            except BaseException as exc:  # noqa: BLE001
                _report_warnings(caught)
                send({"kind": "result", "name": name, "ok": False, "ms": _ms(t0),
                      "exc_type": _exc_type(exc),
                      "error": _learner_traceback(exc, filename, show_all=p.public)})
                continue
        _report_warnings(caught)
        send({"kind": "result", "name": name, "ok": True, "ms": _ms(t0)}, blob)
    send({"kind": "done"})


def _exc_type(exc: BaseException) -> str:
    """The exception's type name, with torch's out-of-memory errors reported as MemoryError.

    Under an address-space rlimit (no memory cgroup) torch's CPU allocator raises a plain
    ``RuntimeError`` ("can't allocate memory"), and CUDA raises ``torch.OutOfMemoryError``;
    both mean the submission hit the memory limit, like a cgroup OOM kill.
    """
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError" or (
            isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)):
        return "MemoryError"
    return type(exc).__name__


def _ms(t0: float) -> int:
    return int((time.perf_counter() - t0) * 1000)


def main() -> None:
    """Plain (unsandboxed) entry: job on fd argv[1] (then acknowledgements), frames to argv[2]."""
    job_fd, out_fd = int(sys.argv[1]), int(sys.argv[2])
    header, blob = protocol.read_frame_blocking(job_fd)
    run_job(header, blob.decode("utf-8", "surrogatepass"), out_fd, ack_fd=job_fd)
    flush()
    os._exit(0)


if __name__ == "__main__":
    main()
