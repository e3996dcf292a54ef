"""An LSTM sentiment classifier for right-padded batches of token ids."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence  # noqa: F401 - one way to skip the padding


class SentimentLSTM(nn.Module):
    """Embedding -> LSTM over the real tokens -> linear on the last real state -> (B,) logits."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden: int, pad_idx: int = 0) -> None:
        super().__init__()
        # TODO: self.embedding (with padding_idx), self.lstm (batch_first), self.fc (hidden -> 1)
        raise NotImplementedError

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # TODO: the lengths from tokens != pad_idx; the LSTM state after each sentence's last
        #       real token (not the last padded position); fc; shape (B,) logits
        raise NotImplementedError
