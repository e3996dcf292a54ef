"""Mutant (the classic bug): the features are the padded output's last time step, output[:, -1], not each sequence's own final states."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class PackedBiLSTMClassifier(nn.Module):
    """Embedding -> packed bidirectional LSTM -> linear on [h_forward, h_backward] (logits)."""

    def __init__(self, vocab_size: int, embed_dim: int, hidden: int, num_classes: int,
                 pad_idx: int = 0) -> None:
        super().__init__()
        # the pad token's vector is zero and gets no gradient
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, num_classes)

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor | list[int]) -> torch.Tensor:
        emb = self.embed(tokens)  # (B, T, E)
        # lengths stay on the CPU; any order is fine, torch sorts and un-sorts for us
        packed = pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)  # (B, T_max, 2H)
        features = out[:, -1]  # (B, 2H): the last padded step
        return self.fc(features)  # (B, C)
