"""Switches grad mode off globally with torch.set_grad_enabled(False) and never restores it
(the seed's global-switch example, used without the matching restore)."""

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
    model.train(was_training)
    return out
