"""Convert between tensors and NumPy arrays, sharing memory where asked."""

import numpy as np
import torch


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """The values of ``t`` as an array; shares memory with a plain CPU tensor."""
    # TODO: make this work for tensors that require grad (and for GPU tensors)
    return t.numpy()


def from_numpy_shared(a: np.ndarray) -> torch.Tensor:
    """A tensor sharing memory with ``a``."""
    # TODO: share memory instead of copying
    return torch.tensor(a)


def copy_from_numpy(a: np.ndarray) -> torch.Tensor:
    """An independent tensor with the values, dtype and shape of ``a``."""
    # TODO: return an independent copy
    raise NotImplementedError
