"""Only freezes non-matching parameters; never sets requires_grad=True on matching ones."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    for name, p in model.named_parameters():
        if not any(name.startswith(pre) for pre in prefixes):
            p.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            return model(x)
    finally:
        model.train(was_training)
