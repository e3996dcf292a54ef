"""Each sequence's true last hidden state from one batched GRU call over a PackedSequence.

Padding lets sequences of different lengths share a tensor; packing tells the RNN where each one
ends, so it stops there. The GRU's final state h_n then holds, for every sequence, the hidden
state after its own last real step -- never after a padding step.
"""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def last_hidden_states(
    rnn: nn.GRU, seqs: list[torch.Tensor], padding_value: float = 0.0
) -> torch.Tensor:
    """Top-layer hidden state after the last real step of each sequence, in the input order.

    ``rnn`` is a unidirectional ``nn.GRU(..., batch_first=True)``; ``seqs`` holds B tensors of
    shape (L_i, F) with L_i >= 1. Returns a (B, H) tensor; row i belongs to ``seqs[i]``.
    """
    # True lengths, as a CPU int64 tensor (what pack_padded_sequence expects).
    lengths = torch.tensor([s.shape[0] for s in seqs], dtype=torch.int64)  # (B,)
    # Pad into one batch-first tensor; the padding value will never reach the GRU.
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)  # (B, T, F)
    # Pack: enforce_sorted=False sorts by length internally and remembers how to undo it.
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    # Run the GRU on the packed batch: each sequence stops after its own last step.
    _, h_n = rnn(packed)  # (num_layers, B, H), already back in the input order
    # The top layer's final state is each sequence's true last hidden state.
    return h_n[-1]  # (B, H)
