"""Mutant: h0 is ignored; the recurrence always starts from zeros."""

import math

import torch
from torch import nn


class MyRNN(nn.Module):
    """One-layer, batch-first RNN equal to ``nn.RNN(input_size, hidden_size, batch_first=True)``."""

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh") -> None:
        super().__init__()
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"unknown nonlinearity {nonlinearity!r}: use 'tanh' or 'relu'")
        self.input_size, self.hidden_size, self.nonlinearity = input_size, hidden_size, nonlinearity
        # nn.RNN's parameters, names and shapes included, each drawn from U(-1/sqrt(H), 1/sqrt(H))
        k = 1.0 / math.sqrt(hidden_size)
        self.weight_ih_l0 = nn.Parameter(torch.empty(hidden_size, input_size).uniform_(-k, k))
        self.weight_hh_l0 = nn.Parameter(torch.empty(hidden_size, hidden_size).uniform_(-k, k))
        self.bias_ih_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))
        self.bias_hh_l0 = nn.Parameter(torch.empty(hidden_size).uniform_(-k, k))

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        batch, steps, _ = x.shape  # (B, T, I)
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        # the initial state: (1, B, H) as nn.RNN takes it, zeros when not given
        h = x.new_zeros(batch, self.hidden_size)  # (B, H)
        # the input's contribution to every step in one matmul
        xw = x @ self.weight_ih_l0.T + self.bias_ih_l0  # (B, T, H)
        outputs = []
        for t in range(steps):
            # the new state depends on this step's input and on the previous state
            h = act(xw[:, t] + h @ self.weight_hh_l0.T + self.bias_hh_l0)  # (B, H)
            outputs.append(h)
        # outputs batch-first; the last state gets nn.RNN's layer axis back
        return torch.stack(outputs, dim=1), h.unsqueeze(0)  # (B, T, H), (1, B, H)


class RNNClassifier(nn.Module):
    """MyRNN over the sequence, then a linear layer on the last hidden state (logits)."""

    def __init__(self, input_size: int, hidden_size: int, num_classes: int,
                 nonlinearity: str = "tanh") -> None:
        super().__init__()
        self.rnn = MyRNN(input_size, hidden_size, nonlinearity)
        self.fc = nn.Linear(hidden_size, num_classes)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        _, h_last = self.rnn(x, h0)  # (1, B, H)
        # the state after the last step summarises the whole sequence
        return self.fc(h_last[0]), h_last  # (B, C), (1, B, H)
