"""Convert between tensors and NumPy arrays, sharing memory where asked.

Which conversions share storage:
    torch.from_numpy(a)   shares        torch.tensor(a)   copies
    t.numpy()             shares (CPU, no grad only)
    t.detach()            shares        t.clone()         copies
"""

import numpy as np
import torch


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """The values of ``t`` as an array; shares memory with a plain CPU tensor."""
    # detach() drops the autograd history without copying; cpu() copies only if t is on a GPU.
    return t.detach().cpu().numpy()


def from_numpy_shared(a: np.ndarray) -> torch.Tensor:
    """A tensor sharing memory with ``a``."""
    # from_numpy wraps the array's buffer: same memory, same dtype, same shape.
    return torch.from_numpy(a)


def copy_from_numpy(a: np.ndarray) -> torch.Tensor:
    """An independent tensor with the values, dtype and shape of ``a``."""
    # torch.tensor always copies its input; dtype is inferred from the array.
    return torch.tensor(a)
