"""Calls Tensor.to but drops the result (S001-4): Tensor.to is not in place, unlike Module.to."""

import torch


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    return tuple(t.shape), t.dtype, t.device.type


def pick_device(prefer: str = "cuda") -> torch.device:
    if prefer not in ("cuda", "mps", "cpu"):
        raise ValueError(prefer)
    if prefer == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    if prefer in ("cuda", "mps") and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def to_device(batch: dict[str, torch.Tensor], device) -> dict[str, torch.Tensor]:
    out = dict(batch)
    for t in out.values():
        t.to(device)
    return out
