"""MUTANT: calls torch.cuda.synchronize whatever the device (on a CPU-only machine it raises)."""

import copy
import math
import time

import torch
from torch import nn


def _percentile(values: list[float], q: float) -> float:
    """The q-th percentile by linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    pos = q / 100 * (len(s) - 1)  # fractional rank, 0 .. n-1
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (pos - lo) * (s[hi] - s[lo])


def benchmark(model: nn.Module, x: torch.Tensor, warmup: int = 5, iters: int = 20,
              timer=time.perf_counter, sync=None) -> dict:
    """Time `iters` forward passes of `model(x)` after `warmup` untimed ones."""
    if warmup < 0 or iters < 1:
        raise ValueError(f"need warmup >= 0 and iters >= 1, got {warmup=} {iters=}")
    # device-aware default: CUDA kernels run asynchronously, so wait for them
    if sync is None:
        sync = torch.cuda.synchronize
    was_training = model.training
    model.eval()
    latencies = []  # seconds per batch
    try:
        with torch.inference_mode():
            # warm-up: allocator, caches, lazy init; not timed
            for _ in range(warmup):
                model(x)
            for _ in range(iters):
                sync()  # nothing queued before the start
                t0 = timer()
                model(x)
                sync()  # the work has really finished
                t1 = timer()
                latencies.append(t1 - t0)
    finally:
        model.train(was_training)  # leave the caller's model as it was
    batch = int(x.shape[0])
    mean = sum(latencies) / iters
    return {
        "batch_size": batch,
        "latency_ms_mean": 1000 * mean,
        "latency_ms_p50": 1000 * _percentile(latencies, 50),
        "latency_ms_p95": 1000 * _percentile(latencies, 95),
        "throughput_samples_per_s": batch / mean,  # samples, not batches
    }


def _available(device: str) -> bool:
    kind = torch.device(device).type
    if kind == "cuda":
        return torch.cuda.is_available()
    return kind == "cpu"


def compare_devices(model: nn.Module, x: torch.Tensor, devices=("cpu", "cuda"),
                    warmup: int = 5, iters: int = 20, timer=time.perf_counter) -> dict:
    """benchmark() on each device in `devices`; None for a device this machine lacks."""
    results = {}
    for device in devices:
        if not _available(device):
            results[device] = None
            continue
        # a copy, so the caller's model stays where it is
        model_d = copy.deepcopy(model).to(device)
        results[device] = benchmark(model_d, x.to(device), warmup, iters, timer=timer)
    return results
