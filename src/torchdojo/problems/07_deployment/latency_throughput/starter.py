"""Measure a model's inference latency and throughput, and compare devices."""

import time

import torch
from torch import nn


def benchmark(model: nn.Module, x: torch.Tensor, warmup: int = 5, iters: int = 20,
              timer=time.perf_counter, sync=None) -> dict:
    """Time `iters` calls of model(x) after `warmup` untimed ones.

    Returns {"batch_size": int, "latency_ms_mean": float, "latency_ms_p50": float,
    "latency_ms_p95": float, "throughput_samples_per_s": float}.
    """
    # TODO: validate warmup/iters, pick a device-aware sync when sync is None
    # TODO: eval mode + inference mode, warm-up, then sync/timer around each timed call
    # TODO: statistics (linear-interpolation percentiles), throughput in samples/s
    raise NotImplementedError


def compare_devices(model: nn.Module, x: torch.Tensor, devices=("cpu", "cuda"),
                    warmup: int = 5, iters: int = 20, timer=time.perf_counter) -> dict:
    """benchmark() on each device; None for a device that is not available."""
    # TODO: skip unavailable devices, benchmark a copy of the model on each other one
    raise NotImplementedError
