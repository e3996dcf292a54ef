"""Silently maps an unknown ``prefer`` name to the CPU instead of rejecting it."""

import torch


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    return tuple(t.shape), t.dtype, t.device.type


def pick_device(prefer: str = "cuda") -> torch.device:
    chain = ["cuda", "mps", "cpu"]
    start = chain.index(prefer) if prefer in chain else 2
    if start == 0 and torch.cuda.is_available():
        return torch.device("cuda")
    if start <= 1 and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_device(batch: dict[str, torch.Tensor], device) -> dict[str, torch.Tensor]:
    return {k: v.to(device) for k, v in batch.items()}
