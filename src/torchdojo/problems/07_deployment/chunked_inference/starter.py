"""Inference over a large input set, one bounded batch at a time."""

from collections.abc import Iterable

import torch
from torch import nn


def batched_inference(model: nn.Module, data: torch.Tensor | Iterable[torch.Tensor],
                      batch_size: int, dtype: torch.dtype | None = None) -> torch.Tensor:
    """model(data) computed `batch_size` rows at a time: (N, *F) -> (N, *out)."""
    # TODO: eval mode for the forwards; restore every module's own train/eval flag afterwards
    # TODO: torch.inference_mode, and torch.autocast(..., dtype=dtype) when dtype is given
    # TODO: batches of batch_size rows (the last one shorter); re-batch an iterable of chunks
    # TODO: a tensor input: preallocate (N, *out) and write each batch's result into its slice
    with torch.no_grad():
        return model(data)
