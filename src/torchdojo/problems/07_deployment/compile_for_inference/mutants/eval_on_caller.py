"""MUTANT: puts the caller's own model into eval mode (no copy): the training loop that called it
now trains without Dropout and with frozen BatchNorm statistics."""


from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class ClippedHead(nn.Module):
    """LayerNorm -> Linear -> GELU -> per-row max-abs clipping -> Linear with clipped weights."""

    def __init__(self, d_in: int = 8, d_hidden: int = 16, n_out: int = 3,
                 max_abs: float = 2.0, w_clip: float = 0.3):
        super().__init__()
        self.max_abs = max_abs
        self.w_clip = w_clip
        self.norm = nn.LayerNorm(d_in)
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, n_out)

    def forward(self, x: Tensor) -> Tensor:
        h = F.gelu(self.fc1(self.norm(x)))  # (B, H)
        # per-row scale min(1, max_abs / peak): a tensor op instead of .item() + Python if
        peak = h.abs().amax(dim=1, keepdim=True)  # (B, 1)
        h = h * (self.max_abs / peak).clamp(max=1.0)  # (B, H), rows under the limit unchanged
        # the weight constraint in torch, so autograd still reaches fc2.weight
        w = self.fc2.weight.clamp(-self.w_clip, self.w_clip)  # (n_out, H)
        return F.linear(h, w, self.fc2.bias)  # (B, n_out)


def optimize_for_inference(model: nn.Module, example: Tensor,
                           backend="aot_eager") -> Callable[[Tensor], Tensor]:
    """A compiled predictor equal to ``model.eval()``, leaving the caller's ``model`` untouched."""
    # 1. a private copy in eval mode: the caller's module keeps its modes, flags and buffers
    net = model.eval()
    # 2. one graph or an error: fullgraph=True turns a graph break into an exception
    compiled = torch.compile(net, backend=backend, fullgraph=True)

    def predict(x: Tensor) -> Tensor:
        # 3. no autograd graph, no version counters: outputs are inference tensors
        with torch.inference_mode():
            return compiled(x)

    # 4. warm up: compile (and surface any graph break) now, not on the first request
    predict(example)
    return predict
