"""Sorts the caller's list in place (seqs.sort) to pack with enforce_sorted=True and puts the rows
back in the original order: the values are right, but the caller's list is reordered."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    ids = {id(s): i for i, s in enumerate(seqs)}
    seqs.sort(key=len, reverse=True)
    where = torch.tensor([ids[id(s)] for s in seqs])
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=True)
    _, h_n = rnn(packed)
    out = torch.empty_like(h_n[-1])
    out[where] = h_n[-1]
    return out
