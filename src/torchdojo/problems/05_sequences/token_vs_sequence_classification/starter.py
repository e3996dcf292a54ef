"""One BiLSTM encoder with a per-token head and a per-sequence head, and a padding-aware loss."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.cross_entropy
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: F401


class BiLSTMTaggerClassifier(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int, num_tags: int,
                 num_classes: int) -> None:
        super().__init__()
        # TODO: self.embedding, self.lstm (batch_first, bidirectional), self.tag_head, self.cls_head
        raise NotImplementedError

    def token_logits(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """tokens (B, T), lengths (B,) -> (B, T, num_tags); padding must not reach real steps."""
        # TODO: embed, pack (enforce_sorted=False), BiLSTM, unpack to T steps, tag_head
        raise NotImplementedError

    def sequence_logits(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """tokens (B, T), lengths (B,) -> (B, num_classes) from the mean over real positions."""
        # TODO: the same encoder outputs, masked mean over real steps, cls_head
        raise NotImplementedError


def token_loss(logits: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the positions whose tag is not -100."""
    # TODO: cross-entropy over (B*T, C) with ignore_index=-100
    raise NotImplementedError
