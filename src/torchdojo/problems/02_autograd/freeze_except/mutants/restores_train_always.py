"""Ends predict with model.train() instead of model.train(was_training): a model the caller had
in eval mode comes back in train mode."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    for name, p in model.named_parameters():
        p.requires_grad_(any(name.startswith(pre) for pre in prefixes))
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    model.eval()
    try:
        with torch.inference_mode():
            return model(x)
    finally:
        model.train()
