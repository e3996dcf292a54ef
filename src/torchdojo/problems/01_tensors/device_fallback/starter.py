"""Device-agnostic helpers: inspect a tensor, pick a device with a fallback, move a batch."""

import torch


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    """Return ``(shape, dtype, device_type)`` of ``t``, e.g. ``((3, 4), torch.float32, 'cpu')``."""
    # TODO: shape as a tuple of ints, the dtype, and the device *type* as a string
    return t.shape, t.dtype, t.device


def pick_device(prefer: str = "cuda") -> torch.device:
    """The first available device on the fallback chain that starts at ``prefer``."""
    # TODO: check availability and fall back (cuda -> mps -> cpu); reject unknown names
    return torch.device(prefer)


def to_device(batch: dict[str, torch.Tensor],
              device: torch.device | str) -> dict[str, torch.Tensor]:
    """A new dict with every tensor of ``batch`` moved to ``device``; ``batch`` stays as is."""
    # TODO: move every tensor (Tensor.to does not work in place) into a new dict
    raise NotImplementedError
