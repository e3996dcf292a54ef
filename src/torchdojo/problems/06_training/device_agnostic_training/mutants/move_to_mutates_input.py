"""MUTANT: writes the moved values back into the caller's dicts and lists (in place) and returns them."""

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn


def pick_device(prefer: str | None = None) -> torch.device:
    """The device to train on: `prefer` if given (it must exist), else cuda, then mps, then cpu."""
    if prefer is not None:
        # An explicit choice is honoured as written ("cuda:1" keeps its index) -- or refused.
        device = torch.device(prefer)  # RuntimeError for a name torch does not know
        if device.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"{prefer!r} was asked for, but CUDA is not available")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError(f"{prefer!r} was asked for, but MPS is not available")
        return device
    # No preference: the best accelerator the machine has, the CPU as the fallback.
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def move_to(obj: Any, device: torch.device | str) -> Any:
    """A copy of `obj` with every tensor moved to `device`; containers are rebuilt, never edited."""
    if isinstance(obj, torch.Tensor):
        return obj.to(device)  # out of place: the caller's tensor stays where it was
    if isinstance(obj, dict):
        for k, v in obj.items():
            obj[k] = move_to(v, device)
        return obj
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a namedtuple keeps its type
        return type(obj)(*(move_to(v, device) for v in obj))
    if isinstance(obj, tuple):
        return tuple(move_to(v, device) for v in obj)
    if isinstance(obj, list):
        obj[:] = [move_to(v, device) for v in obj]
        return obj
    return obj  # ints, strings, None, ...: untouched


class ContextTagger(nn.Module):
    """Tags every time step from the running mean of the steps so far and the previous step."""

    def __init__(self, in_features: int, hidden: int, num_classes: int, max_len: int) -> None:
        super().__init__()
        self.proj = nn.Linear(in_features, hidden)
        self.head = nn.Linear(2 * hidden, num_classes)
        # Row t averages steps 0..t. A constant rebuilt here: a buffer (moves with .to()),
        # but not persistent (kept out of the state_dict).
        avg = torch.tril(torch.ones(max_len, max_len))
        self.register_buffer("avg", avg / avg.sum(dim=1, keepdim=True), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        h = torch.tanh(self.proj(x))  # (B, T, H)
        ctx = self.avg[:T, :T] @ h  # (B, T, H) running mean over steps 0..t
        # The step before t, zeros at t = 0: made on the input's device, in its dtype.
        start = torch.zeros(B, 1, h.shape[-1], device=x.device, dtype=x.dtype)  # (B, 1, H)
        prev = torch.cat([start, h[:, :-1]], dim=1)  # (B, T, H)
        return self.head(torch.cat([ctx, prev], dim=-1))  # (B, T, C)


def train_one_epoch(model: nn.Module, loader: Iterable[dict[str, Any]],
                    optimizer: torch.optim.Optimizer, loss_fn,
                    device: torch.device | str) -> float:
    """One pass over `loader` on `device`; return the sample-weighted mean training loss."""
    # Module.to works in place: the optimizer's parameter references stay valid.
    model.to(device)
    model.train()
    total, count = 0.0, 0
    for batch in loader:
        batch = move_to(batch, device)  # the whole batch, one call
        optimizer.zero_grad()
        loss = loss_fn(model(batch["x"]), batch["y"])
        loss.backward()
        optimizer.step()
        n = len(batch["y"])
        total += loss.item() * n  # .item(): a float, no graph kept alive
        count += n
    return total / count
