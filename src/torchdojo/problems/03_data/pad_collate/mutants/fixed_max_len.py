"""Pads every batch to a fixed MAX_LEN = 32 instead of the longest sequence in the batch."""

import torch

MAX_LEN = 32


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = torch.full((len(seqs), MAX_LEN), padding_value, dtype=torch.int64)
    for i, seq in enumerate(seqs):
        padded[i, : len(seq)] = seq
    return padded, lengths, labels
