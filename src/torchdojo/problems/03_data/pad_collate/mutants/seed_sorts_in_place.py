"""The seed's other bug: batch.sort(key=len, reverse=True) sorts the caller's list in place and
returns no permutation, so the samples come back longest-first and the original order is lost."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    batch.sort(key=lambda pair: len(pair[0]), reverse=True)
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    return padded, lengths, labels
