"""Flat index row * C + target through .view(-1): assumes contiguous logits (fails transposed)."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    n, c = logits.shape
    flat = torch.arange(n, device=logits.device) * c + target
    return logits.view(-1)[flat]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    out = t.clone()
    out[out > thresh] = thresh
    return out

