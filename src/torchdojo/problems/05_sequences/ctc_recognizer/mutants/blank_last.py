"""The blank is assumed to be the last class (num_classes - 1), as in some other toolkits, instead of 0."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

BLANK = 0


class CTCModel(nn.Module):
    """(B, T, in_features) features -> (T, B, num_classes) log-probabilities, blank = 0."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        self.rnn = nn.GRU(in_features, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, num_classes)  # both directions -> class scores

    def forward(self, x: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        b, t, _ = x.shape
        if lengths is None:
            h, _ = self.rnn(x)  # (B, T, 2H)
        else:
            # Packing makes both directions start and stop at each sequence's last real frame,
            # so padding never reaches a real frame (the backward GRU starts at frame L-1).
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            h, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=t)
        logits = self.fc(h)  # (B, T, C)
        # log_softmax over the classes, then the (T, B, C) layout F.ctc_loss expects
        return F.log_softmax(logits, dim=-1).transpose(0, 1)  # (T, B, C)


def ctc_loss(log_probs: torch.Tensor, targets: torch.Tensor, input_lengths: torch.Tensor,
             target_lengths: torch.Tensor) -> torch.Tensor:
    """Mean CTC loss (each sequence's loss divided by its target length, then averaged).

    zero_infinity=True: a sequence too short for its target (infinite loss) contributes 0 and
    no gradient instead of turning the whole batch into inf/nan.
    """
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=log_probs.shape[-1] - 1,
                      reduction="mean", zero_infinity=True)


def greedy_decode(log_probs: torch.Tensor, input_lengths: torch.Tensor) -> list[list[int]]:
    """Best path per sequence: argmax per frame within its length, collapse repeats, drop blanks."""
    best = log_probs.argmax(dim=-1).T.tolist()  # (B, T) as Python ints
    out = []
    for path, n in zip(best, input_lengths.tolist(), strict=True):
        labels, prev = [], None
        for s in path[:n]:  # only the real frames
            if s != prev and s != log_probs.shape[-1] - 1:  # a new run of a non-blank symbol
                labels.append(s)
            prev = s  # a blank resets the run, so "a _ a" gives two a's
        out.append(labels)
    return out
