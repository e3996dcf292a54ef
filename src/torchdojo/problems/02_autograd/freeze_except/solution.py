"""Freeze all but some parameters by name, and run inference without recording a graph.

requires_grad is a per-parameter flag: frozen parameters get no .grad and the optimizer skips
them. torch.inference_mode() switches graph recording off for a block and restores the previous
mode on exit; model.eval() is a different switch (dropout, batch-norm statistics).
"""

import torch
from torch import nn


def freeze_except(model: nn.Module, prefixes: list[str]) -> int:
    """Train only parameters whose name starts with one of ``prefixes``; count their elements."""
    for name, p in model.named_parameters():
        # A plain string-prefix test on the qualified name, e.g. "head.fc.weight".
        p.requires_grad_(any(name.startswith(pre) for pre in prefixes))
    # Count elements (numel), not tensors.
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``model(x)`` in eval mode with no graph recorded; the model's mode is restored afterwards."""
    was_training = model.training
    model.eval()  # dropout off, batch-norm uses running statistics
    try:
        # No graph is recorded; the caller's grad mode comes back when the block ends.
        with torch.inference_mode():
            return model(x)  # (B, out)
    finally:
        model.train(was_training)  # put back whichever mode the caller had
