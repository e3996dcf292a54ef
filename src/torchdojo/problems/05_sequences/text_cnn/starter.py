"""TextCNN: parallel Conv1d over the embedded sentence, max-over-time pooling, a linear layer."""

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch import Tensor, nn


class TextCNN(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, num_filters: int,
                 kernel_sizes: tuple[int, ...], num_classes: int, pad_idx: int = 0,
                 dropout: float = 0.0) -> None:
        super().__init__()
        # TODO: self.embed (padding_idx=pad_idx), self.convs (an nn.ModuleList of
        #       nn.Conv1d(embed_dim, num_filters, k), one per kernel size, in order),
        #       a dropout and self.fc (len(kernel_sizes) * num_filters -> num_classes)

    def forward(self, tokens: Tensor) -> Tensor:
        """(B, T) token ids -> (B, num_classes) logits."""
        # TODO: pad on the right with pad_idx up to max(kernel_sizes) when T is shorter
        # TODO: embed, then (B, T, E) -> (B, E, T)
        # TODO: conv -> ReLU -> max over time for every conv; concatenate; dropout; fc
        raise NotImplementedError
