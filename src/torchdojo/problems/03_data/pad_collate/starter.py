"""A collate_fn that pads a batch of variable-length token sequences."""

import torch
from torch.nn.utils.rnn import pad_sequence  # noqa: F401 - you may want it


def pad_collate(
    batch: list[tuple[torch.Tensor, int]], padding_value: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Collate ``[(seq, label), ...]`` into ``(padded (B, T), lengths (B,), labels (B,))``.

    Each ``seq`` is a 1-D int64 tensor of token ids; ``T`` is the longest length in the batch.
    The batch order is kept and neither the list nor its tensors are modified.
    """
    # TODO: collect the labels into an int64 tensor of shape (B,)
    # TODO: record each sequence's true length, an int64 tensor of shape (B,)
    # TODO: pad the sequences to the batch's longest one, batch first, with padding_value
    raise NotImplementedError
