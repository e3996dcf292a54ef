"""Stores the index of the last token (len - 1) as the length: off by one."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) - 1 for seq in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    return padded, lengths, labels
