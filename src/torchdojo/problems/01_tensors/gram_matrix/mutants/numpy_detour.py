"""Computes the product in NumPy on detached data: right values, but no gradient reaches a."""

import numpy as np
import torch


def gram(a: torch.Tensor) -> torch.Tensor:
    x = a.detach().numpy()
    return torch.from_numpy(x @ np.swapaxes(x, -1, -2))
