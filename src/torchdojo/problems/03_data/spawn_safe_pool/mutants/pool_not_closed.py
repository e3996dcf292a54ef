"""Creates the pool without a with-block and never closes it: the worker processes are left
running after parallel_map returns."""

import json
from collections.abc import Callable

import torch
import torch.multiprocessing as mp

ITEMS = [3, -1, 4, -1, 5, -9, 2, 6, -5, 3, 5]  # what main() squares
FILL_SIZE = 12  # length of the tensor main() fills


def square(x: int) -> int:
    """x * x. At module top level, so a worker can find it by name (pickled by reference)."""
    return x * x


def parallel_map(fn: Callable, items: list, num_workers: int) -> list:
    """[fn(x) for x in items], computed by ``num_workers`` spawned processes, in input order."""
    ctx = mp.get_context("spawn")  # fresh interpreters, whatever the platform's default
    pool = ctx.Pool(processes=num_workers)
    return pool.map(fn, items)


def fill_slice(buf: torch.Tensor, lo: int, hi: int) -> None:
    """Write i * i into buf[i] for lo <= i < hi, in place."""
    idx = torch.arange(lo, hi, dtype=buf.dtype)  # (hi - lo,)
    buf[lo:hi] = idx * idx  # in place: the shared storage itself changes


def fill_shared(n: int, num_workers: int) -> torch.Tensor:
    """A float32 tensor t of shape (n,) with t[i] == i * i, written by ``num_workers`` spawned
    processes, each filling one contiguous block."""
    buf = torch.zeros(n, dtype=torch.float32).share_memory_()  # (n,) in shared memory
    ctx = mp.get_context("spawn")
    per = -(-n // num_workers)  # ceil(n / W): blocks [0, per), [per, 2 per), ...
    procs = [ctx.Process(target=fill_slice, args=(buf, lo, min(lo + per, n)))
             for lo in range(0, n, per)]
    for p in procs:
        p.start()  # the child receives a handle to buf's shared memory, not a copy
    for p in procs:
        p.join()
    # A worker that crashed wrote nothing: fail loudly instead of returning zeros.
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"fill workers failed with exit codes {failed}")
    return buf


def main() -> None:
    """Square ITEMS with a pool of 2 and fill a shared tensor with 2 processes; print JSON."""
    result = {"squares": parallel_map(square, ITEMS, num_workers=2),
              "filled": fill_shared(FILL_SIZE, num_workers=2).tolist()}
    print(json.dumps(result))


if __name__ == "__main__":  # not when a spawned worker imports this file as __mp_main__
    main()
