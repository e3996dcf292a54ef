"""Sorts the sequences by length (longest first) to pack with enforce_sorted=True and forgets to
put the results back in the input order."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    seqs = sorted(seqs, key=len, reverse=True)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=True)
    _, h_n = rnn(packed)
    return h_n[-1]  # rows in sorted order
