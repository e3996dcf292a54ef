"""MUTANT: runs the forwards with autograd on: every batch builds a graph, and the output requires
grad."""


from collections.abc import Iterable, Iterator

import torch
from torch import nn


def _batches(data: torch.Tensor | Iterable[torch.Tensor], batch_size: int
             ) -> Iterator[torch.Tensor]:
    """Consecutive batches of `batch_size` rows (the last one shorter), read lazily."""
    if isinstance(data, torch.Tensor):
        yield from data.split(batch_size)  # views, no copy
        return
    buffer, rows = [], 0
    for chunk in data:  # chunks of any size: pull only what the next batch needs
        buffer.append(chunk)
        rows += chunk.shape[0]
        if rows >= batch_size:
            joined, k = torch.cat(buffer), 0  # (rows, *F)
            while rows - k >= batch_size:
                yield joined[k:k + batch_size]
                k += batch_size
            buffer, rows = [joined[k:]], rows - k  # the rest waits for the next chunk
    if rows:
        yield torch.cat(buffer)  # the remainder


def batched_inference(model: nn.Module, data: torch.Tensor | Iterable[torch.Tensor],
                      batch_size: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    """model(data) computed `batch_size` rows at a time: (N, *F) -> (N, *out)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    device = next(model.parameters()).device
    # eval mode for inference; remember every module's own flag to restore it afterwards
    modes = {mod: mod.training for mod in model.modules()}
    model.eval()
    n = data.shape[0] if isinstance(data, torch.Tensor) else None
    out, pieces, start = None, [], 0
    try:
        with torch.enable_grad(), torch.autocast(device.type, dtype=dtype or torch.float32,
                                                    enabled=dtype is not None):
            for xb in _batches(data, batch_size):
                y = model(xb.to(device, non_blocking=True))  # (b, *out)
                if n is None:  # a stream: its length is unknown, keep the batch results
                    pieces.append(y.cpu())
                    continue
                if out is None:  # the first batch tells the output's shape and dtype
                    out = torch.empty((n, *y.shape[1:]), dtype=y.dtype)  # (N, *out), on CPU
                out[start:start + y.shape[0]] = y  # copies back; y is freed next step
                start += y.shape[0]
            if n is None:
                out = torch.cat(pieces)  # (N, *out), one concatenation at the end
    finally:
        for mod, training in modes.items():
            mod.training = training  # the caller's mode, module by module
    return out
