"""Recovers the lengths by counting the entries that differ from padding_value: wrong as soon as
a real token id equals the padding id (0 is a valid id)."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    lengths = (padded != padding_value).sum(dim=1)
    return padded, lengths, labels
