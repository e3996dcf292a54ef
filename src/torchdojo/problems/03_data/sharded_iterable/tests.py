"""Probes for sharded_iterable: the whole range once, in order, with num_workers=0; with two
DataLoader workers every item exactly once, split evenly between the workers (each batch is
tagged in the worker by get_worker_info().id), including uneven and tiny ranges."""

from collections import Counter

from torch.utils.data import DataLoader, get_worker_info

from torchdojo.probes import compare, probe


def _tag_batch(batch: list) -> tuple[int, list[int]]:
    """collate_fn: runs where the batch was made; records which worker made it (-1: main)."""
    info = get_worker_info()
    return (-1 if info is None else info.id), [int(x) for x in batch]


def _worker_batches(m, start: int, end: int, batch_size: int) -> dict:
    ds = m.ShardedRange(start, end)
    loader = DataLoader(ds, batch_size=batch_size, num_workers=2, collate_fn=_tag_batch)
    return {"range": [start, end], "batches": [list(b) for b in loader]}


def _sharding_judge(got, ref):
    start, end = ref["range"]
    expected = list(range(start, end))
    items = [x for _, batch in got["batches"] for x in batch]
    counts = Counter(items)
    dup = sorted(x for x, c in counts.items() if c > 1)
    if dup:
        return (f"range({start}, {end}) with num_workers=2: item {dup[0]} came {counts[dup[0]]} "
                f"times ({len(dup)} of {len(expected)} items came more than once); each worker must "
                "yield only its own share, not the whole range")
    outside = sorted(set(items) - set(expected))
    if outside:
        return f"range({start}, {end}) with num_workers=2: items outside the range came: {outside[:5]}"
    missing = sorted(set(expected) - set(items))
    if missing:
        return (f"range({start}, {end}) with num_workers=2: {len(missing)} of {len(expected)} "
                f"items never came, e.g. {missing[:5]}; the shards together must cover the whole "
                "range")
    per_worker: dict[int, list[int]] = {0: [], 1: []}
    for wid, batch in got["batches"]:
        if wid not in per_worker:
            return f"a batch came from worker {wid}; expected workers 0 and 1 of a 2-worker loader"
        per_worker[wid] += batch
    sizes = [len(per_worker[0]), len(per_worker[1])]
    if max(sizes) - min(sizes) > 1:
        return (f"range({start}, {end}) with num_workers=2: the workers yielded {sizes[0]} and "
                f"{sizes[1]} items; split the range evenly (shares may differ by at most one)")
    for wid, own in per_worker.items():
        if own != sorted(own):
            return f"worker {wid} yielded its items out of order ({own[:6]}...); yield them ascending"
    return None


@probe(public=True)
def single_process(m):
    "num_workers=0, batch_size=4: ShardedRange(0, 10) gives 0..9 once, in order; also iterated directly"
    loader = DataLoader(m.ShardedRange(0, 10), batch_size=4, num_workers=0)
    return {"loader": list(loader), "direct": [int(x) for x in m.ShardedRange(3, 9)]}


@probe(public=True, judge=_sharding_judge)
def two_workers(m):
    "num_workers=2, batch_size=2: ShardedRange(0, 10) gives every item exactly once, split between both workers"
    return _worker_batches(m, 0, 10, batch_size=2)


@probe(judge=_sharding_judge)
def uneven_split(m):
    "num_workers=2, batch_size=4: ShardedRange(0, 7), a range that does not divide evenly"
    return _worker_batches(m, 0, 7, batch_size=4)


@probe(judge=_sharding_judge)
def nonzero_start(m):
    "num_workers=2, batch_size=3: ShardedRange(100, 111) (the shards start at `start`, not 0)"
    return _worker_batches(m, 100, 111, batch_size=3)


def _tiny_judge(got, ref):
    for key in ("one", "empty"):
        why = _sharding_judge(got[key], ref[key])
        if why:
            return why
    return compare(got["empty_direct"], ref["empty_direct"], path="list(ShardedRange(5, 5))")


@probe(judge=_tiny_judge)
def tiny_ranges(m):
    "num_workers=2: ShardedRange(3, 4) (one worker gets nothing) and ShardedRange(5, 5) (empty) do not crash"
    return {"one": _worker_batches(m, 3, 4, batch_size=4),
            "empty": _worker_batches(m, 5, 5, batch_size=4),
            "empty_direct": [int(x) for x in m.ShardedRange(5, 5)]}


def _epochs_judge(got, ref):
    if got["second"] != got["first"]:
        return (f"the second pass over the same dataset gave {got['second'][:6]}, the first gave "
                f"{got['first'][:6]}: every iter() must start the range afresh")
    return compare(got, ref)


@probe(judge=_epochs_judge)
def two_epochs(m):
    "one ShardedRange(2, 8) iterated twice by a num_workers=0 loader gives the same items both times"
    loader = DataLoader(m.ShardedRange(2, 8), batch_size=None, num_workers=0)
    return {"first": [int(x) for x in loader], "second": [int(x) for x in loader]}
