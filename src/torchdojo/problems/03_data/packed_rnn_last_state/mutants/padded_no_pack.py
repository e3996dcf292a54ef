"""No packing at all: the GRU runs over the padded tensor and h_n[-1] is taken, i.e. the state
after the last *padded* step, contaminated by padding for every shorter sequence."""

from torch.nn.utils.rnn import pad_sequence


def last_hidden_states(rnn, seqs, padding_value=0.0):
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    out, _ = rnn(padded)  # (B, T, H)
    return out[:, -1]
