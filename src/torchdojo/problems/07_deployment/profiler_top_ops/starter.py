"""Profile a model's inference with torch.profiler."""

import torch
from torch import nn
from torch.profiler import ProfilerActivity


def profiler_activities() -> list[ProfilerActivity]:
    """The activities to profile on this machine."""
    # TODO: CPU always, CUDA only when torch.cuda.is_available()
    return [ProfilerActivity.CPU, ProfilerActivity.CUDA]


def profile_model(model: nn.Module, x: torch.Tensor, trace_path: str, steps: int = 3,
                  warmup: int = 1, k: int = 5, label: str = "model_inference"
                  ) -> list[tuple[str, float, int]]:
    """Top-k entries (name, self CPU time in us, calls) of `steps` profiled forward passes;
    the Chrome trace is written to trace_path."""
    # TODO: profile with a schedule (wait=0, warmup, active=steps), label each forward with
    # record_function(label), export the trace and collect key_averages() in on_trace_ready
    # TODO: sort by self CPU time, most expensive first, and return the top k
    raise NotImplementedError
