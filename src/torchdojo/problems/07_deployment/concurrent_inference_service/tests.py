"""Probes for concurrent_inference_service. Each probe builds the learner's InferenceService around
a probe-made seeded model that records, for every forward, the batch size and the autograd and
inference-mode state (some models are slowed down so that requests pile up, one raises on
demand), submits requests from one or several threads and returns what came back: the outputs,
exception names, or "pending" for a future still unresolved after a short wait. Outputs are
compared with the reference's; batch sizes are judged as properties."""

import threading
import time

import torch
from torch import nn

from torchdojo.probes import probe, raised

F_IN, C_OUT = 6, 4
WAIT_S = 1.0  # how long a probe waits for futures before calling them pending


class _Recorder(nn.Module):
    """A seeded Linear-Tanh-Linear that records every forward; optionally slow or failing."""

    def __init__(self, seed: int, delay_s: float = 0.0) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.net = nn.Sequential(nn.Linear(F_IN, 16), nn.Tanh(), nn.Linear(16, C_OUT))
        with torch.no_grad():
            for p in self.net.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)
        self.delay_s, self.fail, self.calls = delay_s, False, []
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls.append({"batch": int(x.shape[0]), "grad_enabled": torch.is_grad_enabled(),
                           "inference_mode": torch.is_inference_mode_enabled()})
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail:
            raise ValueError("the model failed on this batch")
        return self.net(x)  # (B, F) -> (B, C)


def _xs(seed: int, n: int, dtype=torch.float32) -> list:
    g = torch.Generator().manual_seed(seed)
    return list(torch.randn(n, F_IN, generator=g, dtype=torch.float64).to(dtype).unbind(0))


def _outcomes(futures) -> list:
    """Wait (bounded) for the futures: ("ok", result), ("error", name) or ("pending", None)."""
    from concurrent.futures import wait

    wait(futures, timeout=WAIT_S)
    out = []
    for f in futures:
        if not f.done():
            out.append(("pending", None))
        elif f.cancelled():
            out.append(("cancelled", None))
        elif f.exception() is not None:
            out.append(("error", type(f.exception()).__name__))
        else:
            out.append(("ok", f.result()))
    return out


def _sizes(model: _Recorder) -> list:
    return [c["batch"] for c in model.calls]


@probe(public=True, atol=1e-5, rtol=1e-5)
def predict_many_in_order(m):
    "predict_many on 25 samples (max_batch_size=8), an empty list, and the type submit returns"
    from concurrent.futures import Future

    svc = m.InferenceService(_Recorder(0), max_batch_size=8)
    try:
        outs = svc.predict_many(_xs(1, 25))
        fut = svc.submit(_xs(2, 1)[0])
        return {"outputs": outs, "empty": svc.predict_many([]),
                "is_future": isinstance(fut, Future), "future": _outcomes([fut])}
    finally:
        svc.close()


@probe(atol=1e-5, rtol=1e-5)
def concurrent_submitters(m):
    "160 requests from 8 submitter threads at once: every caller gets its own sample's output"
    from concurrent.futures import ThreadPoolExecutor

    xs = _xs(3, 160)
    svc = m.InferenceService(_Recorder(4), max_batch_size=16)
    try:
        def client(k):  # thread k sends samples k, k + 8, k + 16, ...
            return [(i, svc.submit(xs[i])) for i in range(k, 160, 8)]
        with ThreadPoolExecutor(8) as pool:
            pairs = [p for part in pool.map(client, range(8)) for p in part]
        futures = [f for _, f in sorted(pairs, key=lambda p: p[0])]
        return _outcomes(futures)
    finally:
        svc.close()


def _judge_batches(got, ref):
    if not isinstance(got, dict) or set(got) != {"big", "one", "five"}:
        return "expected the recorded batch sizes of three services"
    for key, n, cap, most in (("big", 120, 16, 40), ("one", 10, 1, 10), ("five", 30, 5, 30)):
        sizes = got[key]
        if not isinstance(sizes, list) or not all(type(s) is int for s in sizes):
            return f"max_batch_size={cap}: the model was not called as expected"
        if sum(sizes) != n:
            return f"max_batch_size={cap}: the model saw {sum(sizes)} samples for {n} requests"
        if max(sizes) > cap:
            return f"max_batch_size={cap}: a forward got a batch of {max(sizes)}"
        if len(sizes) > most:
            return (f"max_batch_size={cap}: {len(sizes)} forward calls for {n} requests queued "
                    f"together (at most {most} expected: are requests batched?)")
        if key != "one" and cap not in sizes:
            return f"max_batch_size={cap}: no batch was ever full although requests queued up"
    return None


@probe(judge=_judge_batches)
def batches_are_used(m):
    "requests queued together are batched: forward calls and batch sizes for three max_batch_size"
    out = {}
    for key, n, cap in (("big", 120, 16), ("one", 10, 1), ("five", 30, 5)):
        model = _Recorder(5, delay_s=0.003)
        svc = m.InferenceService(model, max_batch_size=cap)
        try:
            _outcomes([svc.submit(x) for x in _xs(6, n)])
        finally:
            svc.close()
        out[key] = _sizes(model)
    return out


@probe(public=True)
def no_autograd(m):
    "the grad and inference mode every forward ran in, and whether outputs require grad"
    model = _Recorder(7)
    svc = m.InferenceService(model, max_batch_size=4)
    try:
        outs = svc.predict_many(_xs(8, 10))
    finally:
        svc.close()
    return {"grad_enabled": sorted({c["grad_enabled"] for c in model.calls}),
            "inference_mode": sorted({c["inference_mode"] for c in model.calls}),
            "requires_grad": sorted({bool(y.requires_grad) for y in outs})}


@probe
def float64_model(m):
    "a float64 model with float64 samples: outputs and their dtype"
    model = _Recorder(9).double()
    svc = m.InferenceService(model, max_batch_size=4)
    try:
        return _outcomes([svc.submit(x) for x in _xs(10, 9, torch.float64)])
    finally:
        svc.close()


@probe(atol=1e-5, rtol=1e-5)
def few_requests_answered(m):
    "3 requests to a service with max_batch_size=64 are answered without waiting for more"
    svc = m.InferenceService(_Recorder(11), max_batch_size=64)
    try:
        return _outcomes([svc.submit(x) for x in _xs(12, 3)])
    finally:
        svc.close()


@probe(atol=1e-5, rtol=1e-5)
def close_finishes_and_joins(m):
    "close() with requests still queued (slow model); threads after close; submit after close"
    before = threading.active_count()
    svc = m.InferenceService(_Recorder(13, delay_s=0.01), max_batch_size=4)
    futures = [svc.submit(x) for x in _xs(14, 12)]
    svc.close()
    done = sum(f.done() for f in futures)
    threads_left = threading.active_count() - before
    return {"done_when_close_returned": done, "threads_left": threads_left,
            "outcomes": _outcomes(futures),
            "submit_after_close": raised(lambda: svc.submit(_xs(15, 1)[0])),
            "close_again": raised(svc.close)}


@probe(atol=1e-5, rtol=1e-5)
def model_errors_reach_futures(m):
    "a model that raises: the callers' futures, then the service after the model recovers"
    model = _Recorder(16)
    svc = m.InferenceService(model, max_batch_size=4)
    try:
        model.fail = True
        failed = _outcomes([svc.submit(x) for x in _xs(17, 6)])
        model.fail = False
        return {"failed": failed, "later": _outcomes([svc.submit(x) for x in _xs(18, 3)])}
    finally:
        svc.close()
