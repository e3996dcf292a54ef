"""Mutant: the cell candidate g uses sigmoid instead of tanh, so the memory can only grow."""

import math

import torch
from torch import nn


class MyLSTMCell(nn.Module):
    """Equal to ``nn.LSTMCell(input_size, hidden_size)``, parameters named as in torch."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        # rows [0:H) input gate, [H:2H) forget gate, [2H:3H) cell candidate, [3H:4H) output gate
        k = 1.0 / math.sqrt(hidden_size)
        self.weight_ih = nn.Parameter(torch.empty(4 * hidden_size, input_size).uniform_(-k, k))
        self.weight_hh = nn.Parameter(torch.empty(4 * hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))
        self.bias_hh = nn.Parameter(torch.empty(4 * hidden_size).uniform_(-k, k))

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        if state is None:  # no state given: h and c start at zero
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        h, c = state  # (B, H) each
        # all four gates' pre-activations at once
        gates = x @ self.weight_ih.T + self.bias_ih + h @ self.weight_hh.T + self.bias_hh  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)  # (B, H) each, torch's order
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(g), torch.sigmoid(o)
        c_next = f * c + i * g  # (B, H)
        h_next = o * torch.tanh(c_next)  # (B, H)
        return h_next, c_next


def run_lstm(cell: MyLSTMCell, x: torch.Tensor,
             state: tuple[torch.Tensor, torch.Tensor] | None = None
             ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Unroll ``cell`` over x (B, T, I) like ``nn.LSTM(batch_first=True)``.

    ``state`` is nn.LSTM's (h0, c0), each (1, B, H); returns (outputs (B, T, H), (h_n, c_n)) with
    h_n and c_n (1, B, H).
    """
    # nn.LSTM's state carries a layer axis; the cell works on (B, H)
    cell_state = None if state is None else (state[0][0], state[1][0])
    outputs = []
    for t in range(x.shape[1]):
        cell_state = cell(x[:, t], cell_state)  # (h, c), both carried to the next step
        outputs.append(cell_state[0])
    h, c = cell_state
    return torch.stack(outputs, dim=1), (h.unsqueeze(0), c.unsqueeze(0))  # (B, T, H)
