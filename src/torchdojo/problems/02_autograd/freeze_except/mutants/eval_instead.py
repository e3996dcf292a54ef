"""Calls model.eval() to "freeze": eval mode changes dropout/batch-norm, not requires_grad."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    model.eval()
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            return model(x)
    finally:
        model.train(was_training)
