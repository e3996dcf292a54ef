"""Each sequence's true last hidden state from one batched GRU call over a PackedSequence."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence  # noqa: F401 - you will need them


def last_hidden_states(
    rnn: nn.GRU, seqs: list[torch.Tensor], padding_value: float = 0.0
) -> torch.Tensor:
    """Top-layer hidden state after the last real step of each sequence, in the input order.

    ``rnn`` is a unidirectional ``nn.GRU(..., batch_first=True)``; ``seqs`` holds B tensors of
    shape (L_i, F) with L_i >= 1. Returns a (B, H) tensor; row i belongs to ``seqs[i]``.
    """
    # TODO: the lengths of the sequences, as an int64 tensor of shape (B,)
    # TODO: pad the sequences into a (B, T, F) tensor with padding_value
    # TODO: pack the padded batch (the sequences are not sorted by length)
    # TODO: run the GRU on the packed batch and return the top layer's final state, (B, H)
    raise NotImplementedError
