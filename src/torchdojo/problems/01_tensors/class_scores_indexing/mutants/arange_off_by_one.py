"""Off by one: row indices 1..N instead of 0..N-1 (the last one is out of range)."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    rows = torch.arange(1, logits.shape[0] + 1)
    return logits[rows, target]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    out = t.clone()
    out[out > thresh] = thresh
    return out
