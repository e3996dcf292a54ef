"""Device-agnostic helpers: inspect a tensor, pick a device with a fallback, move a batch.

Fallback chains used by ``pick_device``:
    prefer="cuda"  ->  cuda, mps, cpu
    prefer="mps"   ->  mps, cpu
    prefer="cpu"   ->  cpu
"""

import torch

_CHAIN = ("cuda", "mps", "cpu")


def describe(t: torch.Tensor) -> tuple[tuple[int, ...], torch.dtype, str]:
    """Return ``(shape, dtype, device_type)`` of ``t``, e.g. ``((3, 4), torch.float32, 'cpu')``."""
    # tuple(t.shape) gives plain ints; device.type drops the index ("cuda:1" -> "cuda").
    return tuple(t.shape), t.dtype, t.device.type


def _available(kind: str) -> bool:
    """Whether the accelerator ``kind`` ("cuda" or "mps") can be used on this machine."""
    if kind == "cuda":
        return torch.cuda.is_available()
    return torch.backends.mps.is_available()


def pick_device(prefer: str = "cuda") -> torch.device:
    """The first available device on the fallback chain that starts at ``prefer``."""
    # Reject names that are not on the chain instead of guessing.
    if prefer not in _CHAIN:
        raise ValueError(f"prefer must be one of {_CHAIN}, got {prefer!r}")
    # Walk the accelerators on the chain from the preferred one down...
    for kind in _CHAIN[_CHAIN.index(prefer):-1]:
        if _available(kind):
            return torch.device(kind)
    # ...and end on the CPU, which is always there.
    return torch.device("cpu")


def to_device(batch: dict[str, torch.Tensor],
              device: torch.device | str) -> dict[str, torch.Tensor]:
    """A new dict with every tensor of ``batch`` moved to ``device``; ``batch`` stays as is."""
    # Tensor.to returns a (possibly new) tensor and never changes the old one: keep the result,
    # and put it in a fresh dict so the caller's dict still holds the original tensors.
    return {name: t.to(device) for name, t in batch.items()}
