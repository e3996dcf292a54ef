"""to_device uses .cuda() or .cpu(): any other device (mps, meta) ends up on the CPU."""

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
    on_cuda = torch.device(device).type == "cuda"
    return {k: (v.cuda() if on_cuda else v.cpu()) for k, v in batch.items()}
