"""Mutant: the padding positions are found with tokens == 0 whatever pad_idx is."""

import torch
from torch import Tensor, nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size: int, d_model: int, nhead: int, num_layers: int,
                 num_classes: int, max_len: int, pad_idx: int = 0,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=pad_idx)
        self.pos_embedding = nn.Embedding(max_len, d_model)  # one learned vector per position
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2 * d_model,
                                           dropout=dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.fc = nn.Linear(d_model, num_classes)

    def forward(self, tokens: Tensor) -> Tensor:
        b, t = tokens.shape                                        # (B, T) token ids
        pad = tokens == 0                                          # (B, T), True = padding
        pos = torch.arange(t, device=tokens.device)                # (T,)
        x = self.embedding(tokens) + self.pos_embedding(pos)       # (B, T, d)
        h = self.encoder(x, src_key_padding_mask=pad)              # (B, T, d)
        keep = (~pad).unsqueeze(-1).to(h.dtype)                    # (B, T, 1)
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)      # (B, d): mean of real tokens
        return self.fc(pooled)                                     # (B, num_classes) logits
