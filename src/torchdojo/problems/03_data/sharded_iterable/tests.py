"""Probes for sharded_iterable: the whole range once, in order, as Python ints, with
num_workers=0; with two or three DataLoader workers every item exactly once, split evenly
between the workers (each batch is tagged in the worker by get_worker_info().id), including
uneven and tiny ranges, and again on the second epoch of persistent workers."""

import math
from collections import Counter

from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from torchdojo.probes import compare, probe


def _tag_batch(batch: list) -> tuple[int, list[int], list[str]]:
    """collate_fn: runs where the batch was made; records which worker made it (-1: main),
    the items, and the type names of the items as the dataset yielded them."""
    info = get_worker_info()
    return ((-1 if info is None else info.id), [int(x) for x in batch],
            sorted({type(x).__name__ for x in batch}))


def _epoch(loader: DataLoader) -> list:
    return [list(b) for b in loader]


def _worker_batches(m, start: int, end: int, batch_size: int, workers: int = 2) -> dict:
    ds = m.ShardedRange(start, end)
    loader = DataLoader(ds, batch_size=batch_size, num_workers=workers, collate_fn=_tag_batch)
    return {"range": [start, end], "workers": workers, "batches": _epoch(loader)}


def _item_types(obs: dict) -> list[str]:
    return sorted({t for *_, types in obs["batches"] for t in types})


def _sharding_judge(got, ref):
    """Every item of the range exactly once, as the reference's item type, evenly shared."""
    start, end = ref["range"]
    w = ref["workers"]
    expected = list(range(start, end))
    items = [x for _, batch, _ in got["batches"] for x in batch]
    counts = Counter(items)
    dup = sorted(x for x, c in counts.items() if c > 1)
    if dup:
        return (f"range({start}, {end}) with num_workers={w}: item {dup[0]} came {counts[dup[0]]} "
                f"times ({len(dup)} of {len(expected)} items came more than once); each worker must "
                "yield only its own share, not the whole range")
    outside = sorted(set(items) - set(expected))
    if outside:
        return (f"range({start}, {end}) with num_workers={w}: items outside the range came: "
                f"{outside[:5]}")
    missing = sorted(set(expected) - set(items))
    if missing:
        return (f"range({start}, {end}) with num_workers={w}: {len(missing)} of {len(expected)} "
                f"items never came, e.g. {missing[:5]}; the shards together must cover the whole "
                "range")
    types, want_types = _item_types(got), _item_types(ref)
    if expected and types != want_types:
        return (f"range({start}, {end}) with num_workers={w}: the dataset yielded items of type "
                f"{types} inside the workers; expected {want_types}")
    per_worker: dict[int, list[int]] = {k: [] for k in range(w)}
    for wid, batch, _ in got["batches"]:
        if wid not in per_worker:
            return f"a batch came from worker {wid}; expected workers 0..{w - 1} of a {w}-worker loader"
        per_worker[wid] += batch
    sizes = [len(own) for own in per_worker.values()]
    if max(sizes) > math.ceil(len(expected) / w):
        return (f"range({start}, {end}) with num_workers={w}: the workers yielded {sizes} items; "
                "split the range evenly")
    for wid, own in per_worker.items():
        if own != sorted(own):
            return f"worker {wid} yielded its items out of order ({own[:6]}...); yield them ascending"
    return None


@probe(public=True)
def single_process(m):
    "num_workers=0, batch_size=4: ShardedRange(0, 10) gives 0..9 once, in order; also iterated directly"
    loader = DataLoader(m.ShardedRange(0, 10), batch_size=4, num_workers=0)
    direct = list(m.ShardedRange(3, 9))
    return {"loader": list(loader), "direct": [int(x) for x in direct],
            "direct_types": [type(x).__name__ for x in direct]}


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


@probe(judge=_sharding_judge)
def three_workers(m):
    "num_workers=3, batch_size=2: ShardedRange(0, 10) gives every item exactly once, shared by all three"
    return _worker_batches(m, 0, 10, batch_size=2, workers=3)


class _TwoPasses(IterableDataset):
    """Inside each worker, iterates the learner's copy of the dataset twice, tagging the pass
    (what a persistent worker does over two epochs)."""

    def __init__(self, inner) -> None:
        super().__init__()
        self.inner = inner

    def __iter__(self):
        for k in (0, 1):
            for x in self.inner:
                yield k, x


def _tag_passes(batch: list) -> list:
    """collate_fn for _TwoPasses: (worker id, pass, item, item type name) per item."""
    info = get_worker_info()
    wid = -1 if info is None else info.id
    return [(wid, k, int(x), type(x).__name__) for k, x in batch]


def _one_pass(obs: dict, k: int) -> dict:
    """The items of pass k, as one-item batches in the shape _sharding_judge reads."""
    batches = [(w, [x], [t]) for b in obs["batches"] for w, p, x, t in b if p == k]
    return {"range": obs["range"], "workers": obs["workers"], "batches": batches}


def _passes_judge(got, ref):
    """Each pass over the same worker-side copies must pass the sharding judge on its own."""
    for k in (0, 1):
        why = _sharding_judge(_one_pass(got, k), _one_pass(ref, k))
        if why:
            return f"pass {k + 1} over the same dataset copies in the workers: {why}"
    return None


@probe(judge=_passes_judge)
def second_pass_in_workers(m):
    "num_workers=2: each worker iterates its copy of ShardedRange(0, 9) twice; each pass gives every item once"
    loader = DataLoader(_TwoPasses(m.ShardedRange(0, 9)), batch_size=2, num_workers=2,
                        collate_fn=_tag_passes)
    return {"range": [0, 9], "workers": 2, "batches": [list(b) for b in loader]}
