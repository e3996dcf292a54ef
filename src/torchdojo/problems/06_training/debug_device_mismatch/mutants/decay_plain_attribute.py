"""The pooling weights stay a plain tensor attribute: .to() leaves them on the CPU in float32.

A small sequence encoder that follows .to(device) and .to(dtype).

Every tensor the module owns is registered: parameters through the layers, the normalisation
statistics as persistent buffers (they are data, and must be saved with the weights), and the
pooling weights as a non-persistent buffer (a constant rebuilt by __init__). The initial hidden
state is created in forward on the input's device and in its dtype.
"""

import torch
from torch import nn


class SequenceEncoder(nn.Module):
    """Normalise each feature, run an RNN cell over time, pool the states with decaying weights."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor, hidden_size: int,
                 max_len: int) -> None:
        super().__init__()
        num_features = mean.numel()
        self.hidden_size = hidden_size
        self.cell = nn.RNNCell(num_features, hidden_size)
        self.head = nn.Linear(hidden_size, 1)
        # Per-feature training-set statistics: buffers that move with the model and are saved.
        self.register_buffer("mean", mean.detach().clone())  # (F,)
        self.register_buffer("std", std.detach().clone())  # (F,)
        # Pooling weights 0.9^(max_len-1), ..., 0.9, 1: they move too, but are not saved.
        decay = 0.9 ** torch.arange(max_len - 1, -1, -1, dtype=torch.float32)  # (max_len,)
        self.decay = decay

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        x = (x - self.mean) / self.std  # (B, T, F)
        # The initial state lives where the input lives, in the input's dtype.
        h = torch.zeros(B, self.hidden_size, device=x.device, dtype=x.dtype)  # (B, H)
        states = []
        for t in range(T):
            h = self.cell(x[:, t], h)  # (B, H)
            states.append(h)
        hs = torch.stack(states, dim=1)  # (B, T, H)
        w = self.decay[-T:]  # (T,) the last T weights, ending in 1
        pooled = (hs * w[:, None]).sum(dim=1) / w.sum()  # (B, H)
        return self.head(pooled)  # (B, 1)
