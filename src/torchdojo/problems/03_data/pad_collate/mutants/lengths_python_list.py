"""Returns the lengths as a Python list of ints (pack_padded_sequence accepts one) instead of the
promised int64 tensor of shape (B,)."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = [len(seq) for seq in seqs]
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    return padded, lengths, labels
