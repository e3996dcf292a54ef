"""A collate_fn that pads a batch of variable-length token sequences.

A DataLoader hands its ``collate_fn`` the list of samples of one batch. The default one stacks
them, which fails as soon as two sequences differ in length; this one pads every sequence to the
longest one in the batch and keeps the true lengths, so a later layer can ignore the padding.
"""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(
    batch: list[tuple[torch.Tensor, int]], padding_value: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Collate ``[(seq, label), ...]`` into ``(padded (B, T), lengths (B,), labels (B,))``.

    Each ``seq`` is a 1-D int64 tensor of token ids; ``T`` is the longest length in the batch.
    The batch order is kept and neither the list nor its tensors are modified.
    """
    # Split the pairs without touching the list itself (no in-place sort).
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch], dtype=torch.int64)  # (B,)
    # True lengths, before padding hides them: int64 on the CPU, as pack_padded_sequence wants.
    lengths = torch.tensor([seq.shape[0] for seq in seqs], dtype=torch.int64)  # (B,)
    # A new (B, T) tensor, batch first, filled with padding_value past each sequence's end;
    # it keeps the int64 dtype of the ids, so nn.Embedding accepts it.
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)  # (B, T)
    return padded, lengths, labels
