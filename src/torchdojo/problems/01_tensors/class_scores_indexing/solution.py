"""Advanced indexing: pick one entry per row; boolean masks: clip values out of place."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``out[i] = logits[i, target[i]]``: each row's score for its own target class."""
    n = logits.shape[0]  # logits: (N, C), target: (N,)
    # one row index per sample, paired element by element with the class indices
    rows = torch.arange(n, device=logits.device)  # (N,)
    # two index tensors of the same shape pick N single elements (not an N x N grid)
    return logits[rows, target]  # (N,)


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    """A copy of ``t`` in which every value above ``thresh`` is replaced by ``thresh``."""
    # work on a copy so the caller's tensor is left untouched
    out = t.clone()  # same shape and dtype as t
    # the boolean mask selects the entries to overwrite
    out[out > thresh] = thresh
    return out
