"""The zygote: imports torch once, then forks sandboxed children ahead of need, and judges.

Process tree per job::

    worker --(control socket)--> zygote --fork--> outer child C --fork--> inner child P
                                                  (cgroup, unshare)       (pid 1 of a new pid
                                                                           namespace: mounts,
                                                                           landlock, seccomp,
                                                                           runs the probes)

The zygote set one thread, imported torch, torchvision, numpy and (when warm) the ONNX stack,
froze its heap and keeps one child forked in advance, already isolated and waiting for its job.
It holds no bank, no references and no environment, never runs a parallel op and never touches
CUDA. When the worker asks (``T``), it passes the spare child's pipe ends over the control
socket (SCM_RIGHTS) and forks the next one. Four pipes per child: the job (and then one
acknowledgement byte per frame), the result frames, the captured output, and a status pipe that
only trusted code writes: P reports its sandbox layers there and closes it before any learner
code runs, C reports how P ended. On ``J`` the zygote forks a judge process instead
(``judging.serve``), which compares observations under a memory limit, outside the sandbox but
apart from the worker.

The read allow-list of every child (``sandbox.read_plan``) is worked out here once: what
Python needs, minus the secrets named with ``--hide`` and the bank's references.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import sys
import traceback

from torchdojo.grader import protocol

DEFAULT_MEMORY_MB = 1024


def _prepare(torchvision: bool = True, warm: bool = True) -> None:
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ.update(protocol.CPU_ONLY_ENV)  # before torch: the zygote never touches CUDA
    import numpy  # noqa: F401
    import torch

    torch.set_num_threads(1)
    if torchvision:
        try:
            import torchvision  # noqa: F401
            import torchvision.transforms.v2  # noqa: F401 - the data track's transforms
        except Exception:  # noqa: BLE001 - optional for the core tracks
            pass
    import torchdojo.grader.harness  # noqa: F401
    import torchdojo.grader.judging  # noqa: F401
    import torchdojo.grader.sandbox  # noqa: F401
    import torchdojo.probes  # noqa: F401
    from torchdojo.grader import codec

    if not warm:
        return
    # Warm the paths every check takes (seeding, small ops, autograd, numpy, serialisation) so
    # each child starts with them already paged in and initialised. All single-threaded.
    torch.manual_seed(0)
    x = torch.randn(4, 4, requires_grad=True)
    (x @ x.T).sin().sum().backward()
    y = x * 2  # backward with an explicit gradient takes another path (it imports sympy once)
    torch.autograd.grad(y, x, torch.ones_like(y))
    # The first optimizer step imports torch._dynamo (about 2 s without torchvision loaded).
    torch.optim.SGD([x], lr=0.1).step()
    # The deployment track's exporter stack (onnx + onnxscript, about 1.5 s to import) would
    # otherwise be paid by every child on every check; optional like torchvision.
    for name in ("onnx", "onnxscript", "onnxruntime"):
        try:
            __import__(name)
        except Exception:  # noqa: BLE001
            pass
    # The first torch.export in a process initialises the tracer (~1 s); ONNX export runs
    # through it too. Paid here once, it takes about 0.8 s off every export check.
    torch.export.export(torch.nn.Linear(2, 2), (torch.randn(2, 2),),
                        dynamic_shapes=({0: torch.export.Dim("batch")},))
    codec.decode(codec.encode(codec.sanitize({"t": x.detach().numpy(), "g": x.grad, "n": 1.0})))


def _child(ctl: socket.socket, fds: dict[str, int], roots: dict, plan: object) -> None:
    """Runs in the forked outer child; never returns."""
    from torchdojo.grader import cgroups, harness, protocol, sandbox

    job_r, res_w, out_w, status_w = fds["job"], fds["res"], fds["out"], fds["status"]
    try:
        ctl.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        os.close(devnull)
        os.close(out_w)
        group = cgroups.ChildGroup(roots, f"c{os.getpid()}") if roots else None
        pid_ns = sandbox.enter_namespaces(group, DEFAULT_MEMORY_MB)
        inner = os.fork()
        if inner == 0:
            try:
                sandbox.lock_down(pid_ns, plan)
                job, blob = protocol.read_frame_blocking(job_r)
                limits = job.get("limits", {})
                in_group = sandbox.LAYERS["cgroup"].startswith("on")
                sandbox.apply_limits(float(limits.get("time_s", 5)),
                                     int(limits.get("memory_mb", DEFAULT_MEMORY_MB)),
                                     "memory" in roots and in_group, "pids" in roots and in_group)
                # the last word of trusted code: no learner code has run yet
                protocol.write_frame(status_w, {"kind": "layers", "layers": dict(sandbox.LAYERS)})
                os.close(status_w)
                harness.run_job(job, blob.decode("utf-8", "surrogatepass"), res_w, ack_fd=job_r)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
                os._exit(70)
            harness.flush()
            os._exit(0)
        for fd in (job_r, res_w):  # the result pipe ends when P (and all it started) is gone
            os.close(fd)
        _, status = os.waitpid(inner, 0)
        frame: dict[str, object] = {"kind": "exit"}
        if os.WIFSIGNALED(status):
            frame["signal"] = os.WTERMSIG(status)
        else:
            frame["code"] = os.WEXITSTATUS(status)
        try:
            protocol.write_frame(status_w, frame)
        except OSError:
            pass
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        os._exit(71)
    os._exit(0)


def _fork_spare(ctl: socket.socket, roots: dict, plan: object) -> tuple[int, list[int]]:
    ends = {name: os.pipe() for name in ("job", "res", "out", "status")}
    ours = [ends["job"][1], ends["res"][0], ends["out"][0], ends["status"][0]]
    theirs = {"job": ends["job"][0], "res": ends["res"][1], "out": ends["out"][1],
              "status": ends["status"][1]}
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        for fd in ours:
            os.close(fd)
        _child(ctl, theirs, roots, plan)
    for fd in theirs.values():
        os.close(fd)
    return pid, ours


def _fork_judge(ctl: socket.socket) -> tuple[int, list[int]]:
    """A judge process: requests in on one pipe, verdicts out on the other."""
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            ctl.close()
            for fd in (req_w, resp_r):
                os.close(fd)
            os.setsid()
            from torchdojo.grader import judging, linux

            linux.prctl(linux.PR_SET_PDEATHSIG, 9)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            judging.serve(req_r, resp_w)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            os._exit(72)
        os._exit(0)
    for fd in (req_r, resp_w):
        os.close(fd)
    return pid, [req_w, resp_r]


def serve(ctl_fd: int, torchvision: bool = True, warm: bool = True,
          hide: list[str] | None = None) -> None:
    """Main loop: answer each 'T' (take) with a ready child, each 'J' with a judge process."""
    from torchdojo.grader import cgroups, sandbox

    ctl = socket.socket(fileno=ctl_fd)
    _prepare(torchvision, warm)
    plan = sandbox.read_plan(hide or [])
    roots = {k: str(v) for k, v in cgroups.backend().items()}
    roots_p = {k: __import__("pathlib").Path(v) for k, v in roots.items()}
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    gc.collect()
    gc.freeze()
    spare = _fork_spare(ctl, roots_p, plan)
    ctl.send(json.dumps({"ready": True, "cgroups": roots}).encode())
    while True:
        try:
            msg = ctl.recv(64)
        except OSError:
            msg = b""
        if not msg:
            os._exit(0)  # the worker has gone: so do we (children die by their death signal)
        if msg == b"T":
            pid, fds = spare
            socket.send_fds(ctl, [json.dumps({"pid": pid}).encode()], fds)
            for fd in fds:
                os.close(fd)
            spare = _fork_spare(ctl, roots_p, plan)
        elif msg == b"J":
            pid, fds = _fork_judge(ctl)
            socket.send_fds(ctl, [json.dumps({"pid": pid}).encode()], fds)
            for fd in fds:
                os.close(fd)


def main(argv: list[str]) -> None:
    hide = [argv[i + 1] for i, a in enumerate(argv) if a == "--hide" and i + 1 < len(argv)]
    serve(int(argv[0]), torchvision="--no-torchvision" not in argv, warm="--no-warm" not in argv,
          hide=hide)


if __name__ == "__main__":
    main(sys.argv[1:])
