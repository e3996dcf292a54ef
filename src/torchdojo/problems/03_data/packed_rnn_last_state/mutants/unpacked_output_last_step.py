"""Packs and runs correctly, then unpacks and takes output[:, -1]: for every sequence shorter than
the longest, the last padded time step is padding (zeros), not its last real step."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    out_packed, _ = rnn(packed)
    out, _ = pad_packed_sequence(out_packed, batch_first=True)  # (B, T, H)
    return out[:, -1]
