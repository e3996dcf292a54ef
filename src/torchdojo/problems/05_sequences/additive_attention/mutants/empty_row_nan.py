"""A plain -inf fill and softmax: correct for rows with a real position, NaN for a row without any."""

import torch
from torch import nn


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the last axis of (B, T) scores; mask (B, T) True = real position.

    Padded positions get weight exactly 0; a row without any real position gets all zeros.
    """
    if mask is None:
        return torch.softmax(scores, dim=-1)
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)


class AdditiveAttention(nn.Module):
    def __init__(self, query_dim: int, key_dim: int, hidden: int) -> None:
        super().__init__()
        self.W_q = nn.Linear(query_dim, hidden, bias=False)
        self.W_k = nn.Linear(key_dim, hidden)  # the one bias of the score network
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        # project both sides into the hidden space; the query broadcasts over time
        feats = torch.tanh(self.W_q(query).unsqueeze(1) + self.W_k(keys))  # (B, T, hidden)
        scores = self.v(feats).squeeze(-1)  # (B, T)
        weights = masked_softmax(scores, mask)  # (B, T), over the time axis
        # weighted sum of the values: (B, 1, T) @ (B, T, Dv) -> (B, 1, Dv)
        context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)  # (B, Dv)
        return context, weights


class AttentionPooling(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, hidden)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, h: torch.Tensor, mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        scores = self.v(torch.tanh(self.proj(h))).squeeze(-1)  # (B, T)
        weights = masked_softmax(scores, mask)  # (B, T)
        pooled = (weights.unsqueeze(-1) * h).sum(dim=1)  # (B, T, 1) * (B, T, D) -> (B, D)
        return pooled, weights
