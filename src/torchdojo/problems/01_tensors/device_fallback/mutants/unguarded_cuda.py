"""Seed bug (S001-3): moves to the preferred device without checking it exists."""

import torch


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    return tuple(t.shape), t.dtype, t.device.type


def pick_device(prefer: str = "cuda") -> torch.device:
    return torch.device(prefer)


def to_device(batch: dict[str, torch.Tensor], device) -> dict[str, torch.Tensor]:
    return {k: v.to(device) for k, v in batch.items()}
