"""Class-balanced sampling for an imbalanced dataset, two ways."""

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler


def balanced_sample_weights(labels: torch.Tensor) -> torch.Tensor:
    """Weight ``1 / n_c`` for every sample of class ``c``: float64, shape ``(N,)``."""
    # TODO: count the samples of each label value
    # TODO: give each sample the inverse of its own class's count, as float64
    raise NotImplementedError


class BalancedBatchSampler(Sampler[list[int]]):
    """Yields ``num_batches`` batches of dataset indices, each with ``batch_size // K`` samples of
    every one of the K classes, drawn with replacement and shuffled inside the batch."""

    def __init__(self, labels: Sequence[int], batch_size: int, num_batches: int,
                 seed: int = 0) -> None:
        # TODO: find the K distinct classes and the dataset indices of each
        # TODO: raise ValueError unless batch_size is a positive multiple of K
        # TODO: keep a private random generator seeded with `seed`
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO: the number of batches one pass yields
        raise NotImplementedError

    def __iter__(self) -> Iterator[list[int]]:
        # TODO: for each batch, draw batch_size // K indices of every class (with replacement),
        #       shuffle them together and yield them as a list of Python ints
        raise NotImplementedError
