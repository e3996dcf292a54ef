"""Plain torch.round: right values, but its gradient is zero everywhere, so nothing learns."""

import torch


def round_ste(x):
    return torch.round(x)
