"""Averages the LSTM outputs over all T positions, padding included: the result changes with the
amount of padding and the pads' own outputs leak in."""

import torch
from torch import nn


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
        out, _ = self.lstm(self.embedding(tokens))  # (B, T, H)
        return self.fc(out.mean(dim=1)).squeeze(1)  # mean over every position
