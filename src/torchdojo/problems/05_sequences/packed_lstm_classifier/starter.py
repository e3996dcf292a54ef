"""A bidirectional LSTM text classifier over a padded batch, made length-aware by packing."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence  # noqa: F401 - you will need it


class PackedBiLSTMClassifier(nn.Module):
    """Embedding -> packed bidirectional LSTM -> linear on [h_forward, h_backward] (logits)."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden: int, num_classes: int,
                 pad_idx: int = 0) -> None:
        super().__init__()
        # TODO: self.embed (with padding_idx), self.lstm (batch_first, bidirectional), self.fc
        raise NotImplementedError

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor | list[int]) -> torch.Tensor:
        """tokens (B, T) int64, right-padded; lengths (B,) in any order -> logits (B, C)."""
        # TODO: embed, pack with the true lengths (any order), run the LSTM on the packed batch
        # TODO: concatenate the forward and backward final states from h_n, apply fc
        raise NotImplementedError
