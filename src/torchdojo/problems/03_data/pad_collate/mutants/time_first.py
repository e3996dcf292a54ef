"""Forgets batch_first=True: pad_sequence's default layout is time-first, (T, B) not (B, T)."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = pad_sequence(seqs, padding_value=padding_value)  # (T, B)
    return padded, lengths, labels
