"""Advanced indexing: pick one entry per row; boolean masks: clip values out of place."""

import torch


def pick_class_scores(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``out[i] = logits[i, target[i]]``: each row's score for its own target class."""
    # TODO: index rows and columns together, one (row, class) pair per sample
    return logits[:, 0]


def clip_above(t: torch.Tensor, thresh: float) -> torch.Tensor:
    """A copy of ``t`` in which every value above ``thresh`` is replaced by ``thresh``."""
    # TODO: build a boolean mask of the values above thresh and overwrite them, out of place
    raise NotImplementedError
