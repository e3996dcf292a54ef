"""Switches autograd off globally to initialise and forgets to switch it back on."""

import torch
from torch import nn


def make_linear(in_features: int, out_features: int, std: float = 0.02) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    torch.set_grad_enabled(False)
    layer.weight.normal_(0.0, std)
    layer.bias.zero_()
    return layer
