"""Stores the seed but draws from the global RNG (no generator=): the batches change from one
sampler to the next, and the caller's random stream is disturbed."""

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler


def balanced_sample_weights(labels: torch.Tensor) -> torch.Tensor:
    """Weight ``1 / n_c`` for every sample of class ``c``: float64, shape ``(N,)``."""
    counts = torch.bincount(labels)
    return 1.0 / counts[labels].to(torch.float64)


class BalancedBatchSampler(Sampler[list[int]]):
    """Yields ``num_batches`` batches of dataset indices, each with ``batch_size // K`` samples of
    every one of the K classes, drawn with replacement and shuffled inside the batch."""

    def __init__(self, labels: Sequence[int], batch_size: int, num_batches: int,
                 seed: int = 0) -> None:
        labels = torch.as_tensor(labels)
        classes = torch.unique(labels)
        if batch_size <= 0 or batch_size % len(classes) != 0:
            raise ValueError(f"batch_size={batch_size} is not a positive multiple of the "
                             f"{len(classes)} classes")
        self.class_indices = [torch.nonzero(labels == c).flatten() for c in classes]
        self.per_class = batch_size // len(classes)
        self.batch_size = batch_size
        self.num_batches = num_batches
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[list[int]]:
        for _ in range(self.num_batches):
            picks = [idx[torch.randint(len(idx), (self.per_class,))]
                     for idx in self.class_indices]
            batch = torch.cat(picks)
            batch = batch[torch.randperm(self.batch_size)]
            yield batch.tolist()
