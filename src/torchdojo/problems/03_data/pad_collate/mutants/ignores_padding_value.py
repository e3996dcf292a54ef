"""Accepts padding_value but never passes it on: always pads with 0."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = pad_sequence(seqs, batch_first=True)
    return padded, lengths, labels
