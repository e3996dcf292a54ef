"""The mask selects values below the threshold: clips from below instead of from above."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    rows = torch.arange(logits.shape[0])
    return logits[rows, target]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    out = t.clone()
    out[out < thresh] = thresh
    return out
