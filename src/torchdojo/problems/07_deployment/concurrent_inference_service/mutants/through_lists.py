"""MUTANT: the seed's conversion: each request goes through a Python list and torch.tensor,
which makes float64 inputs float32 (and costs a copy per element)."""

import queue
import threading
import time
from concurrent.futures import Future

import torch
from torch import nn

_STOP = object()  # the sentinel that tells the worker to leave


class InferenceService:
    def __init__(self, model: nn.Module, max_batch_size: int = 8,
                 max_wait_s: float = 0.005) -> None:
        self.model = model
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        self._queue: queue.Queue = queue.Queue()
        self._lock = threading.Lock()  # makes "closed?" and "enqueue" one step
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="inference-worker", daemon=True)
        self._worker.start()

    def submit(self, x: torch.Tensor) -> Future:
        """Queue one sample x of shape (F,); the Future's result is the model's output (C,)."""
        fut: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("submit() on a closed InferenceService")
            self._queue.put((x, fut))
        return fut

    def predict_many(self, xs: list[torch.Tensor]) -> list[torch.Tensor]:
        """Submit every sample, then wait for all: the outputs in the order of xs."""
        futures = [self.submit(x) for x in xs]
        return [f.result() for f in futures]

    def close(self) -> None:
        """Refuse new requests, finish the queued ones, join the worker. Safe to call twice."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(_STOP)  # after every request already queued
        self._worker.join()

    def _next_batch(self) -> tuple[list, bool]:
        """Block for one request, then gather more until the batch is full or the wait is over."""
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch, deadline = [first], time.monotonic() + self.max_wait_s
        while len(batch) < self.max_batch_size:
            left = deadline - time.monotonic()
            try:
                item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)
        return batch, False

    def _run(self) -> None:
        stop = False
        while not stop:
            batch, stop = self._next_batch()
            if not batch:
                continue
            xs, futures = zip(*batch, strict=True)
            try:
                with torch.inference_mode():
                    ys = self.model(torch.tensor([x.tolist() for x in xs]))  # (B, F) -> (B, C)
            except Exception as exc:  # noqa: BLE001 - every caller of this batch gets it
                for f in futures:
                    f.set_exception(exc)
                continue
            for f, y in zip(futures, ys, strict=True):  # row i belongs to request i
                f.set_result(y)  # (C,)
