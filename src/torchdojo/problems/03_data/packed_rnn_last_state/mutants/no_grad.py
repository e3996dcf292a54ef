"""Runs the GRU under torch.no_grad() "to save memory": right values, but nothing can be trained
through the result."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    with torch.no_grad():
        lengths = torch.tensor([len(s) for s in seqs])
        padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = rnn(packed)
    return h_n[-1]
