"""GPU checks: the paths the CPU-only suite cannot reach. Run on a machine with an NVIDIA GPU.

    python scripts/gpu_check.py            # prints one line per check, exits 1 if any failed

What it proves, each in its own step so one failure does not hide the others:

1. ``cuda``      a CUDA matmul agrees with the CPU one (tolerance for TF32-free fp32).
2. ``amp_fp16``  ``torch.amp.autocast("cuda", dtype=float16)`` runs the matmul in fp16 while the
                 loss stays fp32, and ``torch.amp.GradScaler("cuda")`` training lowers the loss.
3. ``nccl``      a one-rank NCCL process group all-reduces a CUDA tensor.
4. ``grader``    grading stays CPU-only with a GPU present: ``torchdojo check`` (warm worker and
                 ``--cold``) passes a reference solution that also asserts, at import, that it
                 sees no CUDA device and that autograd works in the forked child (a zygote that
                 saw the GPU broke every child's backward).
5. ``demos``     every concept card's demo runs with CUDA present (their GPU branches included).
6. ``latency``   07_deployment/latency_throughput's reference on a real GPU: ``compare_devices``
                 fills both entries, and the CUDA latency with ``torch.cuda.synchronize`` is
                 reported beside the launch-only figure measured without it.
7. ``chunked``   07_deployment/chunked_inference's reference with the model on the GPU: equal to
                 one full forward, and ``torch.cuda.max_memory_allocated`` stays near one
                 batch's activations instead of the whole set's.

The suite itself never needs a GPU; this script is how a session that is lent one checks them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent


def check_cuda() -> str:
    # fp32 matmul on GPU vs CPU; TF32 off so the comparison is a plain fp32 one.
    torch.backends.cuda.matmul.allow_tf32 = False
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(256, 128, generator=g), torch.randn(128, 64, generator=g)
    gpu = (a.cuda() @ b.cuda()).cpu()
    torch.testing.assert_close(gpu, a @ b, rtol=1e-4, atol=1e-4)
    return f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, CUDA {torch.version.cuda}"


def check_amp_fp16() -> str:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 1)).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    scaler = torch.amp.GradScaler("cuda")
    x, y = torch.randn(512, 32, device="cuda"), torch.randn(512, 1, device="cuda")
    losses = []
    for _ in range(50):
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.float16):
            out = model(x)                                  # Linear runs in fp16
            loss = torch.nn.functional.mse_loss(out.float(), y)
        assert out.dtype == torch.float16, out.dtype
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    assert all(p.dtype == torch.float32 for p in model.parameters())   # master weights fp32
    assert losses[-1] < 0.9 * losses[0], (losses[0], losses[-1])
    return f"loss {losses[0]:.3f} -> {losses[-1]:.3f}, scale {scaler.get_scale():.0f}"


def check_nccl() -> str:
    import torch.distributed as dist
    with socket.socket() as s:                              # a free port for the rendezvous
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dist.init_process_group("nccl", init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1,
                            device_id=torch.device("cuda", 0))
    try:
        t = torch.arange(4.0, device="cuda")
        dist.all_reduce(t)
        torch.cuda.synchronize()
        assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
        return f"backend {dist.get_backend()}, NCCL {'.'.join(map(str, torch.cuda.nccl.version()))}"
    finally:
        dist.destroy_process_group()


def _torchdojo(*args: str, workspace: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "torchdojo", "-w", str(workspace), *args],
                          capture_output=True, text=True, env=env, timeout=300)


def check_grader() -> str:
    ref = ROOT / "src/torchdojo/problems/01_tensors/device_fallback/solution.py"
    # The reference plus import-time asserts: no GPU visible, and backward works after the fork.
    code = ('import torch\nassert not torch.cuda.is_available()\n'
            '_x = torch.ones(3, requires_grad=True)\n(_x * _x).sum().backward()\n'
            'assert _x.grad.tolist() == [2.0, 2.0, 2.0]\n' + ref.read_text())
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "sub.py"
        sub.write_text(code)
        for mode in ([], ["--cold"]):
            t0 = time.perf_counter()
            r = _torchdojo("check", "device_fallback", "--file", str(sub), "--json", *mode,
                           workspace=Path(tmp) / "ws")
            ms = (time.perf_counter() - t0) * 1000
            try:
                res = json.loads(r.stdout)
            except json.JSONDecodeError:
                raise AssertionError(f"no JSON from check {mode}: {r.stdout[-800:]}"
                                     f"{r.stderr[-800:]}") from None
            if res.get("status") != "pass":
                raise AssertionError(f"check {mode or ['warm']}: {json.dumps(res)[:1500]}")
            lines.append(f"{'cold' if mode else 'warm'} passed in {ms:.0f} ms")
    return "; ".join(lines)


def check_demos() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from torchdojo.cards import Deck
    from torchdojo.demos import run_demos

    deck = Deck()
    report = run_demos({c.id: c.demo for c in deck if c.demo})
    gpu = [c.id for c in deck if c.demo and "cuda.is_available" in c.demo]
    for cid in gpu:                                     # what the GPU branches printed
        print(f"  {cid} demo ({'ok' if report[cid].ok else 'FAILED'}):\n"
              + report[cid].output.rstrip(), flush=True)
    bad = {k: v.output for k, v in report.items() if not v.ok}
    assert not bad, json.dumps(bad, indent=1)[:3000]
    return f"{len(report)} demos ran; with a CUDA branch: {', '.join(gpu)}"


def _reference(track_problem: str):  # type: ignore[no-untyped-def]
    """Load a problem's solution.py as a module (the GPU branches the grader never runs)."""
    sys.path.insert(0, str(ROOT / "src"))
    from torchdojo.grader.harness import load_module

    path = ROOT / "src/torchdojo/problems" / track_problem / "solution.py"
    return load_module(track_problem.replace("/", "_"), path.read_text(), str(path))


def check_latency() -> str:
    ref = _reference("07_deployment/latency_throughput")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(1024, 4096), torch.nn.ReLU(),
                                torch.nn.Linear(4096, 1024))
    x = torch.randn(256, 1024)
    res = ref.compare_devices(model, x, warmup=5, iters=30)
    assert res["cpu"] is not None and res["cuda"] is not None, res
    assert next(model.parameters()).device.type == "cpu"          # the caller's model stayed
    # without synchronisation only the kernel launches are timed
    xs = x.cuda()
    launch = ref.benchmark(model.cuda(), xs, warmup=5, iters=30, sync=lambda: None)
    cpu, gpu = res["cpu"], res["cuda"]
    return (f"cpu p50 {cpu['latency_ms_p50']:.2f} ms, cuda p50 {gpu['latency_ms_p50']:.3f} ms "
            f"({gpu['throughput_samples_per_s']:.0f} samples/s); unsynchronised "
            f"{launch['latency_ms_p50']:.3f} ms")


def check_chunked() -> str:
    ref = _reference("07_deployment/chunked_inference")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(64, 2048), torch.nn.ReLU(),
                                torch.nn.Linear(2048, 8)).cuda().eval()
    data = torch.randn(32768, 64)                                  # on the CPU
    with torch.inference_mode():
        torch.cuda.reset_peak_memory_stats()
        full = model(data.cuda()).cpu()
        full_peak = torch.cuda.max_memory_allocated()
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    out = ref.batched_inference(model, data, batch_size=1024)
    peak = torch.cuda.max_memory_allocated()
    torch.testing.assert_close(out, full, rtol=1e-4, atol=1e-4)
    assert out.device.type == "cpu" and peak < full_peak / 8, (peak, full_peak)
    return f"peak {peak / 2**20:.1f} MiB chunked vs {full_peak / 2**20:.1f} MiB in one batch"


CHECKS: dict[str, Callable[[], str]] = {
    "cuda": check_cuda, "amp_fp16": check_amp_fp16, "nccl": check_nccl,
    "grader": check_grader, "demos": check_demos, "latency": check_latency,
    "chunked": check_chunked,
}


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA device here: nothing to check")
        return 1
    failed = 0
    for name, fn in CHECKS.items():
        t0 = time.perf_counter()
        try:
            msg = fn()
            print(f"PASS {name:9} {time.perf_counter() - t0:6.1f} s  {msg}", flush=True)
        except Exception:
            failed += 1
            print(f"FAIL {name:9} {time.perf_counter() - t0:6.1f} s", flush=True)
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
