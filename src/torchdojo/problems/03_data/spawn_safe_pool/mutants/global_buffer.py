"""Relies on a module global set in the parent: a forked worker would inherit it, but a spawned
worker re-imports the module and sees None, so its writes fail and the parent keeps zeros
(exit codes are not checked)."""

import json
from collections.abc import Callable

import torch
import torch.multiprocessing as mp

ITEMS = [3, -1, 4, -1, 5, -9, 2, 6, -5, 3, 5]
FILL_SIZE = 12


def square(x: int) -> int:
    """x * x. At module top level, so a worker can find it by name (pickled by reference)."""
    return x * x


def parallel_map(fn: Callable, items: list, num_workers: int) -> list:
    """[fn(x) for x in items], computed by ``num_workers`` spawned processes, in input order."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(processes=num_workers) as pool:
        return pool.map(fn, items)


def fill_slice(buf: torch.Tensor, lo: int, hi: int) -> None:
    """Write i * i into buf[i] for lo <= i < hi, in place."""
    idx = torch.arange(lo, hi, dtype=buf.dtype)
    buf[lo:hi] = idx * idx


_BUF = None


def _fill_global(lo: int, hi: int) -> None:
    fill_slice(_BUF, lo, hi)


def fill_shared(n: int, num_workers: int) -> torch.Tensor:
    """A float32 tensor t of shape (n,) with t[i] == i * i, written by ``num_workers`` spawned
    processes, each filling one contiguous block."""
    global _BUF
    buf = _BUF = torch.zeros(n, dtype=torch.float32).share_memory_()
    ctx = mp.get_context("spawn")
    per = -(-n // num_workers)
    procs = [ctx.Process(target=_fill_global, args=(lo, min(lo + per, n)))
             for lo in range(0, n, per)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return buf


def main() -> None:
    """Square ITEMS with a pool of 2 and fill a shared tensor with 2 processes; print JSON."""
    result = {"squares": parallel_map(square, ITEMS, num_workers=2),
              "filled": fill_shared(FILL_SIZE, num_workers=2).tolist()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
