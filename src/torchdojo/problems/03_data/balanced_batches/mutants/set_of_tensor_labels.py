"""Finds the classes with set(labels): fine for a list, but a tensor's elements are 0-d tensors that hash by identity, so tensor labels make every sample its own class."""

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler


def balanced_sample_weights(labels: torch.Tensor) -> torch.Tensor:
    """Weight ``1 / n_c`` for every sample of class ``c``: float64, shape ``(N,)``."""
    # How many samples each label value has (labels are non-negative ints).
    counts = torch.bincount(labels)  # (max_label + 1,)
    # Look each sample's class count up and invert it, in float64.
    return 1.0 / counts[labels].to(torch.float64)  # (N,)


class BalancedBatchSampler(Sampler[list[int]]):
    """Yields ``num_batches`` batches of dataset indices, each with ``batch_size // K`` samples of
    every one of the K classes, drawn with replacement and shuffled inside the batch."""

    def __init__(self, labels: Sequence[int], batch_size: int, num_batches: int,
                 seed: int = 0) -> None:
        classes = sorted(set(labels))  # the distinct label values
        labels = torch.as_tensor(labels)  # (N,) a list or a tensor
        if batch_size <= 0 or batch_size % len(classes) != 0:
            raise ValueError(f"batch_size={batch_size} is not a positive multiple of the "
                             f"{len(classes)} classes")
        # The dataset indices of each class: K tensors of shape (n_c,).
        self.class_indices = [torch.nonzero(labels == c).flatten() for c in classes]
        self.per_class = batch_size // len(classes)
        self.batch_size = batch_size
        self.num_batches = num_batches
        # A private generator: reproducible from `seed`, and the global RNG is left alone.
        # Created once, so a second pass over the sampler (the next epoch) gives new batches.
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[list[int]]:
        for _ in range(self.num_batches):
            # per_class random positions into each class, with replacement: a class with fewer
            # samples than per_class still fills its share.
            picks = [idx[torch.randint(len(idx), (self.per_class,), generator=self.generator)]
                     for idx in self.class_indices]  # K x (per_class,)
            batch = torch.cat(picks)  # (batch_size,) grouped by class
            # Shuffle inside the batch so no slice of it holds a single class.
            batch = batch[torch.randperm(self.batch_size, generator=self.generator)]
            yield batch.tolist()  # list of Python ints, as DataLoader expects
