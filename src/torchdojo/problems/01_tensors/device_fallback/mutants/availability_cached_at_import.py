"""Asks is_available() once at import and caches it, so later changes are never seen."""

import torch

_HAS_CUDA = torch.cuda.is_available()
_HAS_MPS = torch.backends.mps.is_available()


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    return tuple(t.shape), t.dtype, t.device.type


def pick_device(prefer: str = "cuda") -> torch.device:
    if prefer not in ("cuda", "mps", "cpu"):
        raise ValueError(prefer)
    if prefer == "cuda" and _HAS_CUDA:
        return torch.device("cuda")
    if prefer in ("cuda", "mps") and _HAS_MPS:
        return torch.device("mps")
    return torch.device("cpu")


def to_device(batch: dict[str, torch.Tensor], device) -> dict[str, torch.Tensor]:
    return {k: v.to(device) for k, v in batch.items()}

