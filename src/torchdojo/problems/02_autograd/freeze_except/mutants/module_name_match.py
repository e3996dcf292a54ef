"""Matches the first component of the name (name.split(".")[0] in prefixes) instead of a plain
startswith: "head." matches nothing and "layer1" no longer matches "layer10.weight"."""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    for name, p in model.named_parameters():
        p.requires_grad_(name.split(".")[0] in prefixes)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            return model(x)
    finally:
        model.train(was_training)
