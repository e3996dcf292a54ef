"""A toy CTC recogniser: a bidirectional GRU, the CTC loss and greedy decoding (blank = 0)."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.log_softmax and F.ctc_loss
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: F401

BLANK = 0


class CTCModel(nn.Module):
    """(B, T, in_features) features -> (T, B, num_classes) log-probabilities, blank = 0."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        # TODO: self.rnn (one bidirectional nn.GRU layer, batch_first=True) and self.fc
        raise NotImplementedError

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        # TODO: run the GRU so that the padding never reaches a real frame (pack when
        #       lengths is given), apply fc, log_softmax over the classes, return (T, B, C)
        raise NotImplementedError


def ctc_loss(log_probs: torch.Tensor, targets: torch.Tensor, input_lengths: torch.Tensor,
             target_lengths: torch.Tensor) -> torch.Tensor:
    """Mean CTC loss with blank 0; an impossible sequence contributes 0 (zero_infinity)."""
    # TODO: call F.ctc_loss with the right blank, reduction and zero_infinity
    raise NotImplementedError


def greedy_decode(log_probs: torch.Tensor, input_lengths: torch.Tensor) -> list[list[int]]:
    """Best path per sequence: argmax per frame within its length, collapse repeats, drop blanks."""
    # TODO: for each sequence, the argmax of its first input_lengths[b] frames; merge runs of
    #       the same class, then remove the blanks; return lists of Python ints
    raise NotImplementedError
