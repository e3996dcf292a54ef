"""MUTANT: ignores the label argument: the region is always called model_inference."""

import torch
from torch import nn
from torch.profiler import ProfilerActivity, profile, record_function, schedule


def profiler_activities() -> list[ProfilerActivity]:
    """CPU always; CUDA only where a GPU exists (asking for it elsewhere only warns)."""
    acts = [ProfilerActivity.CPU]
    if torch.cuda.is_available():
        acts.append(ProfilerActivity.CUDA)
    return acts


def profile_model(model: nn.Module, x: torch.Tensor, trace_path: str, steps: int = 3,
                  warmup: int = 1, k: int = 5, label: str = "model_inference"
                  ) -> list[tuple[str, float, int]]:
    """Profile `steps` labelled forward passes after `warmup` ones; return the top-k entries
    (name, self CPU time in us, calls) and write the Chrome trace to `trace_path`."""
    if steps < 1 or warmup < 0 or k < 1:
        raise ValueError(f"need steps >= 1, warmup >= 0, k >= 1, got {steps=} {warmup=} {k=}")
    found = {}

    def on_ready(prof) -> None:
        # the events of the active steps exist only now: the profiler clears them per cycle
        prof.export_chrome_trace(trace_path)
        found["events"] = prof.key_averages()

    was_training = model.training
    model.eval()
    try:
        # one cycle: `warmup` steps run with the profiler warming up (discarded), then `steps`
        with profile(activities=profiler_activities(),
                     schedule=schedule(wait=0, warmup=warmup, active=steps, repeat=1),
                     on_trace_ready=on_ready) as prof, torch.inference_mode():
            for _ in range(warmup + steps):
                with record_function("model_inference"):
                    model(x)
                prof.step()  # tell the schedule one step is done
    finally:
        model.train(was_training)
    # most expensive first, by time spent in the entry itself (not in its children)
    events = sorted(found["events"], key=lambda e: e.self_cpu_time_total, reverse=True)
    return [(e.key, float(e.self_cpu_time_total), int(e.count)) for e in events[:k]]
