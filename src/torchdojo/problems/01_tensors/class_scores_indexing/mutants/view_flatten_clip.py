"""Flattens the copy with .view(-1), which fails when the input is not contiguous."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    rows = torch.arange(logits.shape[0], device=logits.device)
    return logits[rows, target]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    flat = t.clone().view(-1)
    flat[flat > thresh] = thresh
    return flat.view(t.shape)
