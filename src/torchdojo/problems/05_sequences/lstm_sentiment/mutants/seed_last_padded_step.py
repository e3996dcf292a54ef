"""The seed's forward (S000-46): runs the LSTM over the padded batch and reads the output at the
last time step, which for every shorter sentence is a padding position: the logit depends on how
much padding follows."""

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
        out, _ = self.lstm(self.embedding(tokens))  # (B, T, H), pads included
        return self.fc(out[:, -1]).squeeze(1)  # the last (padded) step
