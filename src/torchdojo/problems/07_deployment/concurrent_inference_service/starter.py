"""A thread-safe inference service with micro-batching."""

import queue  # noqa: F401 - you will need these
import threading  # noqa: F401
import time  # noqa: F401
from concurrent.futures import Future

import torch
from torch import nn


class InferenceService:
    def __init__(self, model: nn.Module, max_batch_size: int = 8,
                 max_wait_s: float = 0.005) -> None:
        self.model = model
        self.max_batch_size = max_batch_size
        self.max_wait_s = max_wait_s
        # TODO: a queue of (sample, Future) pairs and ONE worker thread that batches them

    def submit(self, x: torch.Tensor) -> Future:
        """Queue one sample x of shape (F,); the Future's result is the model's output (C,)."""
        # TODO: RuntimeError after close(); otherwise queue the request and return its Future
        fut: Future = Future()
        fut.set_result(self.model(x.unsqueeze(0))[0])  # runs in the caller's thread, unbatched
        return fut

    def predict_many(self, xs: list[torch.Tensor]) -> list[torch.Tensor]:
        """Submit every sample, then wait for all: the outputs in the order of xs."""
        return [self.submit(x).result() for x in xs]

    def close(self) -> None:
        """Refuse new requests, finish the queued ones, join the worker. Safe to call twice."""
        # TODO
