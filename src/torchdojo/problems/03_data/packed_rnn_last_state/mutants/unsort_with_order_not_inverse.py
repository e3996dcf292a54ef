"""Sorts longest-first to pack with enforce_sorted=True, then "restores" the order by indexing with
the sort permutation itself instead of its inverse: right only when the permutation is its own
inverse."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    lengths = torch.tensor([len(s) for s in seqs])
    order = torch.argsort(lengths, descending=True, stable=True)
    sorted_seqs = [seqs[i] for i in order.tolist()]
    padded = pad_sequence(sorted_seqs, batch_first=True, padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths[order], batch_first=True, enforce_sorted=True)
    _, h_n = rnn(packed)
    return h_n[-1][order]  # should be h_n[-1][order.argsort()]
