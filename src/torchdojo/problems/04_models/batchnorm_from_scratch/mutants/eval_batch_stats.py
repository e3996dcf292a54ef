"""Eval mode still normalises with the batch statistics (and the running estimates are never used)."""

import torch
from torch import nn


class MyBatchNorm(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 affine: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        if affine:
            # learnable per-channel scale (gamma) and shift (beta)
            self.weight = nn.Parameter(torch.ones(num_features))
            self.bias = nn.Parameter(torch.zeros(num_features))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        # state, not parameters: saved in state_dict, moved by .to(), never trained
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C) or (N, C, *); statistics are per channel, over every other axis
        dims = [0, *range(2, x.dim())]
        shape = [1, -1] + [1] * (x.dim() - 2)  # (1, C, 1, ...) broadcasts against x
        if self.training:
            mean = x.mean(dim=dims)  # (C,)
            var = x.var(dim=dims, correction=0)  # (C,) biased: what the batch is normalised by
            n = x.numel() // x.shape[1]  # values per channel
            with torch.no_grad():  # running stats must not carry autograd history
                m = self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean)
                # the running estimate of the population variance is the unbiased one
                self.running_var.mul_(1 - m).add_(m * var * n / (n - 1))
                self.num_batches_tracked.add_(1)
        else:
            mean = x.mean(dim=dims)
            var = x.var(dim=dims, correction=0)
        # normalise: (x - mean) / sqrt(var + eps)
        y = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)  # (N, C, *)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y
