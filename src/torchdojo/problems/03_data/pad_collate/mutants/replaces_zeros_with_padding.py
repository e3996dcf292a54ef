"""Pads with 0 and then replaces every 0 by padding_value: a real token id 0 inside a sequence is
turned into padding too."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = pad_sequence(seqs, batch_first=True)
    padded = padded.masked_fill(padded == 0, padding_value)
    return padded, lengths, labels
