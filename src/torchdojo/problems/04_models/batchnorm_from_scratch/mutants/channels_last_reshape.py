"""Flattens the input with x.reshape(-1, C) as if channels were the last axis: right for (N, C),
but on (N, C, L) and (N, C, H, W) each "channel" mixes values of several channels and positions."""

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
        dims = [0]
        x_shape = x.shape
        x = x.reshape(-1, x_shape[1])
        shape = [1, -1]
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
            mean, var = self.running_mean, self.running_var
        # normalise: (x - mean) / sqrt(var + eps)
        y = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)  # (N, C, *)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y.reshape(x_shape)
