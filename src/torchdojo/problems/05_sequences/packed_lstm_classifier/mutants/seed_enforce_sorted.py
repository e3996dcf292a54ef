"""Mutant (the seed document's bug): pack_padded_sequence with its default enforce_sorted=True, which rejects lengths that are not in decreasing order."""

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


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
        packed = pack_padded_sequence(emb, lengths, batch_first=True)
        _, (h_n, _) = self.lstm(packed)  # h_n (2, B, H): [forward, backward], batch order kept
        # forward state after the last real token, backward state after the first token
        features = torch.cat([h_n[0], h_n[1]], dim=1)  # (B, 2H)
        return self.fc(features)  # (B, C)
