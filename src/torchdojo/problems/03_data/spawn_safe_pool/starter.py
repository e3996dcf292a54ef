"""A script that is safe to run with the spawn start method: a process pool that keeps the
order of its results, and workers that fill disjoint slices of a shared-memory tensor."""

import json
from collections.abc import Callable

import torch
import torch.multiprocessing as mp  # noqa: F401

ITEMS = [3, -1, 4, -1, 5, -9, 2, 6, -5, 3, 5]  # what main() squares
FILL_SIZE = 12  # length of the tensor main() fills


def square(x: int) -> int:
    """x * x."""
    # TODO: return the square
    raise NotImplementedError


def parallel_map(fn: Callable, items: list, num_workers: int) -> list:
    """[fn(x) for x in items], computed by ``num_workers`` spawned processes, in input order."""
    # TODO: a pool of num_workers processes from the "spawn" context; results in input order
    raise NotImplementedError


def fill_slice(buf: torch.Tensor, lo: int, hi: int) -> None:
    """Write i * i into buf[i] for lo <= i < hi, in place."""
    # TODO: write into buf itself (no copy)
    raise NotImplementedError


def fill_shared(n: int, num_workers: int) -> torch.Tensor:
    """A float32 tensor t of shape (n,) with t[i] == i * i, written by ``num_workers`` spawned
    processes, each filling one contiguous block."""
    # TODO: a zero float32 tensor in shared memory
    # TODO: one spawned process per contiguous block, each running fill_slice; wait for them
    raise NotImplementedError


def main() -> None:
    """Square ITEMS with a pool of 2 and fill a shared tensor with 2 processes; print JSON."""
    result = {"squares": parallel_map(square, ITEMS, num_workers=2),
              "filled": fill_shared(FILL_SIZE, num_workers=2).tolist()}
    print(json.dumps(result))


# TODO: run main() only when this file is executed as a script
main()
