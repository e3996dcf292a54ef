"""Seed bug (S000-20): balances inside each plain random batch, the way the seed's collate_fn did
- present classes are topped up to the largest one's count by duplication. A class absent from
the batch stays absent, and the batch size changes from batch to batch."""

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import Sampler


def balanced_sample_weights(labels: torch.Tensor) -> torch.Tensor:
    counts = torch.bincount(labels)
    return 1.0 / counts[labels].to(torch.float64)


class BalancedBatchSampler(Sampler[list[int]]):
    def __init__(self, labels: Sequence[int], batch_size: int, num_batches: int,
                 seed: int = 0) -> None:
        self.labels = torch.as_tensor(labels).tolist()
        k = len(set(self.labels))
        if batch_size <= 0 or batch_size % k != 0:
            raise ValueError("batch_size must be a multiple of the number of classes")
        self.batch_size = batch_size
        self.num_batches = num_batches
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[list[int]]:
        for _ in range(self.num_batches):
            # an ordinary random batch ...
            batch = torch.randperm(len(self.labels), generator=self.generator)[: self.batch_size]
            by_class: dict[int, list[int]] = {}
            for i in batch.tolist():
                by_class.setdefault(self.labels[i], []).append(i)
            # ... "balanced" by duplicating the classes that happen to be in it
            most = max(len(v) for v in by_class.values())
            out: list[int] = []
            for members in by_class.values():
                extra = torch.randint(len(members), (most - len(members),),
                                      generator=self.generator)
                out += members + [members[j] for j in extra.tolist()]
            yield out
