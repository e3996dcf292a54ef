"""TextCNN (Kim, 2014): a sentence classifier made of parallel 1-d convolutions.

Each token is embedded; the embedding dimensions are the input channels of one Conv1d per
kernel size k, which slides over time and detects k-grams. Max-over-time pooling keeps each
filter's strongest response wherever it occurred, so every kernel size gives a fixed-size
(B, num_filters) vector whatever the sentence length; the vectors are concatenated in
kernel_sizes order, passed through dropout and a linear layer to class logits. A sentence
shorter than the widest kernel is padded with pad_idx so every convolution has a window.
"""

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class TextCNN(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, num_filters: int,
                 kernel_sizes: tuple[int, ...], num_classes: int, pad_idx: int = 0,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.pad_idx = pad_idx
        self.max_kernel = max(kernel_sizes)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        # one convolution per kernel size; the embedding dimensions are its input channels
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, num_filters, k) for k in kernel_sizes)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(num_filters * len(kernel_sizes), num_classes)

    def forward(self, tokens: Tensor) -> Tensor:
        # tokens: (B, T) int64; pad on the right so that T >= the widest kernel
        short = self.max_kernel - tokens.shape[1]
        if short > 0:
            tokens = F.pad(tokens, (0, short), value=self.pad_idx)  # (B, max_kernel)
        x = self.embed(tokens).transpose(1, 2)  # (B, T, E) -> (B, E, T): channels first
        # conv -> ReLU -> max over time, for every kernel size
        pooled = [F.relu(conv(x)).amax(dim=2) for conv in self.convs]  # each (B, num_filters)
        h = self.dropout(torch.cat(pooled, dim=1))  # (B, len(kernel_sizes) * num_filters)
        return self.fc(h)  # (B, num_classes) logits
