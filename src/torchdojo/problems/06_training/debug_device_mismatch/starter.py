"""A small sequence encoder that works on the CPU in float32, and nowhere else."""

# TODO: this code has 3 bugs; fix them.
# Symptoms:
#   1. after model.to("cuda") (or model.to("meta"), which needs no GPU) the forward pass fails:
#      "Tensor on device cpu is not on the expected device meta!" / "Expected all tensors to
#      be on the same device";
#   2. after model.to(torch.float64) the forward pass fails with a dtype mismatch in the RNN cell;
#   3. a model reloaded from its checkpoint predicts differently from the one that was saved:
#      the normalisation statistics are not in model.state_dict().

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
        # per-feature statistics of the training set
        self.mean = mean.clone()
        self.std = std.clone()
        # pooling weights 0.9^(max_len-1), ..., 0.9, 1: the last step counts most
        self.decay = 0.9 ** torch.arange(max_len - 1, -1, -1, dtype=torch.float32)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        x = (x - self.mean) / self.std
        h = torch.zeros(B, self.hidden_size)
        states = []
        for t in range(T):
            h = self.cell(x[:, t], h)
            states.append(h)
        hs = torch.stack(states, dim=1)
        w = self.decay[-T:]
        pooled = (hs * w[:, None]).sum(dim=1) / w.sum()
        return self.head(pooled)
