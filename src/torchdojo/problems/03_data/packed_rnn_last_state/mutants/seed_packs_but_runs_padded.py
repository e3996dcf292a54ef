"""The seed's bug: builds the PackedSequence but never feeds it to the RNN; the GRU runs on the
padded tensor, so short sequences keep being updated by padding steps."""

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)  # noqa: F841
    _, h_n = rnn(padded)
    return h_n[-1]
