"""Builds the threshold as a float tensor: torch.where then promotes int64 input to float32."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    rows = torch.arange(logits.shape[0])
    return logits[rows, target]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    return torch.where(t > thresh, torch.tensor(float(thresh)), t)
