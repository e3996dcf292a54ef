"""An Elman RNN written out by hand, and a classifier on its last hidden state."""

import math  # noqa: F401 - for the initialisation bound

import torch
from torch import nn


class MyRNN(nn.Module):
    """One-layer, batch-first RNN equal to ``nn.RNN(input_size, hidden_size, batch_first=True)``."""

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh") -> None:
        super().__init__()
        # TODO: reject a nonlinearity other than "tanh" / "relu" with ValueError
        # TODO: create weight_ih_l0 (H, I), weight_hh_l0 (H, H), bias_ih_l0 (H,), bias_hh_l0 (H,)
        #       as nn.Parameter, each from U(-1/sqrt(H), 1/sqrt(H))
        raise NotImplementedError

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, I), h0 (1, B, H) or None -> (outputs (B, T, H), h_T (1, B, H))."""
        # TODO: start from h0[0] (zeros when h0 is None)
        # TODO: loop over t: h = act(x_t W_ih^T + b_ih + h W_hh^T + b_hh); keep every h
        # TODO: return the stacked outputs (batch-first) and the last state with a layer axis
        raise NotImplementedError


class RNNClassifier(nn.Module):
    """MyRNN over the sequence, then a linear layer on the last hidden state (logits)."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int,
                 nonlinearity: str = "tanh") -> None:
        super().__init__()
        # TODO: self.rnn = MyRNN(...), self.fc = nn.Linear(hidden_size, num_classes)
        raise NotImplementedError

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, I) -> (logits (B, C), h_T (1, B, H))."""
        # TODO: run self.rnn, apply self.fc to the last hidden state
        raise NotImplementedError
