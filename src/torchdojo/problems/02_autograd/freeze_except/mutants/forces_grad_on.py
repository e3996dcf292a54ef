"""Turns grad mode back on unconditionally instead of restoring the caller's mode: wrong
inside a no_grad() block."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    for name, p in model.named_parameters():
        p.requires_grad_(any(name.startswith(pre) for pre in prefixes))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    torch.set_grad_enabled(False)
    out = model(x)
    torch.set_grad_enabled(True)
    model.train(was_training)
    return out
