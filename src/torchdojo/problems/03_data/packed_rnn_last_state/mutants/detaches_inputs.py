"""Detaches the sequences before padding "because the data needs no gradient": the GRU's weights
still get gradients, but nothing flows back to the inputs (e.g. an embedding layer before it)."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence([s.detach() for s in seqs], batch_first=True,
                          padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    _, h_n = rnn(packed)
    return h_n[-1]
