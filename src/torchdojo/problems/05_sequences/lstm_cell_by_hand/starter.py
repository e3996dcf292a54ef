"""An LSTM cell written out by hand, and a loop that unrolls it over a sequence."""

import math  # noqa: F401 - for the initialisation bound

import torch
from torch import nn


class MyLSTMCell(nn.Module):
    """Equal to ``nn.LSTMCell(input_size, hidden_size)``, parameters named as in torch."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        # TODO: weight_ih (4H, I), weight_hh (4H, H), bias_ih (4H,), bias_hh (4H,) as
        #       nn.Parameter, each from U(-1/sqrt(H), 1/sqrt(H)); rows in gate order i, f, g, o
        raise NotImplementedError

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, I), state (h, c) each (B, H) or None -> (h', c')."""
        # TODO: zeros for h and c when state is None
        # TODO: the (B, 4H) pre-activations, split into i, f, g, o; sigmoid / tanh
        # TODO: c' = f * c + i * g, h' = o * tanh(c'); return (h', c')
        raise NotImplementedError


def run_lstm(cell: MyLSTMCell, x: torch.Tensor,
             state: tuple[torch.Tensor, torch.Tensor] | None = None
             ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Unroll ``cell`` over x (B, T, I) like ``nn.LSTM(batch_first=True)``.

    ``state`` is nn.LSTM's (h0, c0), each (1, B, H); returns (outputs (B, T, H), (h_n, c_n)) with
    h_n and c_n (1, B, H).
    """
    # TODO: drop the layer axis of the state, call cell(x[:, t], state) once per step
    # TODO: return the stacked h's and the last (h, c), each with the layer axis back
    raise NotImplementedError
