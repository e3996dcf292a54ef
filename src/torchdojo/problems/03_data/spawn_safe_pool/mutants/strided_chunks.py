"""Splits the items into one strided chunk per worker (items[k::W]) and concatenates the
results chunk by chunk: every value is right, but the order is not the input's."""

import json
from collections.abc import Callable

import torch
import torch.multiprocessing as mp

ITEMS = [3, -1, 4, -1, 5, -9, 2, 6, -5, 3, 5]
FILL_SIZE = 12


def square(x: int) -> int:
    """x * x. At module top level, so a worker can find it by name (pickled by reference)."""
    return x * x


def _apply_chunk(job: tuple) -> list:
    fn, chunk = job
    return [fn(x) for x in chunk]


def parallel_map(fn: Callable, items: list, num_workers: int) -> list:
    """[fn(x) for x in items], computed by ``num_workers`` spawned processes, in input order."""
    ctx = mp.get_context("spawn")
    with ctx.Pool(processes=num_workers) as pool:
        chunks = [(fn, items[k::num_workers]) for k in range(num_workers)]
        return [y for part in pool.map(_apply_chunk, chunks) for y in part]


def fill_slice(buf: torch.Tensor, lo: int, hi: int) -> None:
    """Write i * i into buf[i] for lo <= i < hi, in place."""
    idx = torch.arange(lo, hi, dtype=buf.dtype)
    buf[lo:hi] = idx * idx


def fill_shared(n: int, num_workers: int) -> torch.Tensor:
    """A float32 tensor t of shape (n,) with t[i] == i * i, written by ``num_workers`` spawned
    processes, each filling one contiguous block."""
    buf = torch.zeros(n, dtype=torch.float32).share_memory_()
    ctx = mp.get_context("spawn")
    per = -(-n // num_workers)
    procs = [ctx.Process(target=fill_slice, args=(buf, lo, min(lo + per, n)))
             for lo in range(0, n, per)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"fill workers failed with exit codes {failed}")
    return buf


def main() -> None:
    """Square ITEMS with a pool of 2 and fill a shared tensor with 2 processes; print JSON."""
    result = {"squares": parallel_map(square, ITEMS, num_workers=2),
              "filled": fill_shared(FILL_SIZE, num_workers=2).tolist()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
