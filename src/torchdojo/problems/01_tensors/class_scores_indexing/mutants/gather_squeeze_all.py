"""gather(...).squeeze() drops every size-1 dim: a single row gives a 0-d tensor, not (1,)."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, target[:, None]).squeeze()


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    out = t.clone()
    out[out > thresh] = thresh
    return out

