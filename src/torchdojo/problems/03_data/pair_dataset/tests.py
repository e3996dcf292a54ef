"""Probes for pair_dataset: the Dataset protocol, and a loader whose order depends on its seed
only, covers every sample once per epoch, changes from epoch to epoch, and batches correctly."""

import torch
from torch.utils.data import Dataset, TensorDataset

from torchdojo.probes import probe, raised


def _index_dataset(n: int) -> TensorDataset:
    """Sample i is (i as a float feature, i as a label): the labels spell out the order."""
    idx = torch.arange(n)
    return TensorDataset(idx.float().unsqueeze(1), idx)  # (N, 1), (N,)


def _epoch(loader) -> list[int]:
    """The labels of one epoch, in the order the loader gave them."""
    return [int(v) for _, y in loader for v in y]


def _head(order: list[int], k: int = 8) -> str:
    return ", ".join(map(str, order[:k])) + (", ..." if len(order) > k else "")


def _permutation_problem(order: list[int], n: int) -> str | None:
    if sorted(order) != list(range(n)):
        missing = sorted(set(range(n)) - set(order))
        extra = len(order) - len(set(order))
        return (f"one epoch gave {len(order)} samples for a dataset of {n} "
                f"({len(missing)} missing, {extra} repeated): each index must come exactly once")
    return None


@probe(public=True)
def items_and_len(m):
    "len(ds), ds[0], ds[3], ds[-1] and ds[-7] of a PairDataset over 7 seeded samples"
    data = torch.randn(7, 3)
    labels = torch.arange(7) * 10
    ds = m.PairDataset(data, labels)
    return {"is_dataset": isinstance(ds, Dataset), "len": len(ds), "ds[0]": tuple(ds[0]),
            "ds[3]": tuple(ds[3]), "ds[-1]": tuple(ds[-1]), "ds[-7]": tuple(ds[-7])}


@probe
def length_mismatch_raises(m):
    "PairDataset raises ValueError when data and labels differ in their first dimension"
    return {"5 vs 4": raised(lambda: m.PairDataset(torch.randn(5, 2), torch.arange(4))),
            "4 vs 5": raised(lambda: m.PairDataset(torch.randn(4, 2), torch.arange(5))),
            "5 vs 5": raised(lambda: m.PairDataset(torch.randn(5, 2), torch.arange(5)))}


@probe
def out_of_range_index(m):
    "ds[7] and ds[-8] on 7 samples raise IndexError, like a list"
    ds = m.PairDataset(torch.randn(7, 3), torch.arange(7))
    return {"ds[7]": raised(lambda: ds[7]), "ds[-8]": raised(lambda: ds[-8])}


def _one_epoch_judge(got, ref):
    order, n = got["order"], got["n"]
    why = _permutation_problem(order, n)
    if why:
        return why
    if order == list(range(n)):
        return f"the epoch came in the order {_head(order)}: the loader does not shuffle"
    if got["batches"] != ref["batches"]:
        return f"expected batch sizes {ref['batches']}, got {got['batches']}"
    return None


@probe(public=True, judge=_one_epoch_judge)
def epoch_covers_every_index_once(m):
    "one epoch of make_loader(ds of 23 samples, batch_size=4, seed=0) is a shuffled permutation"
    loader = m.make_loader(_index_dataset(23), batch_size=4, seed=0)
    batches = [len(y) for _, y in loader]
    return {"n": 23, "order": _epoch(loader), "batches": batches}


def _same_seed_judge(got, ref):
    for key in ("first", "second", "other_seed"):
        why = _permutation_problem(got[key], got["n"])
        if why:
            return why
    if got["first"] != got["second"]:
        return ("two loaders made with seed=7 (both built, then run in turn) gave different orders "
                f"({_head(got['first'])} vs {_head(got['second'])}): the order must depend on "
                "the seed alone, not on the global random state")
    if got["first"] == got["other_seed"]:
        return "seed=7 and seed=8 gave the same order: the seed must decide the shuffling"
    return None


@probe(judge=_same_seed_judge)
def same_seed_same_order(m):
    "two loaders built with the same seed give the same order, built and run one after the other; seeds differ"
    ds = _index_dataset(20)
    # Build all three first, then iterate: the order must not depend on what ran in between.
    loaders = [m.make_loader(ds, batch_size=4, seed=s) for s in (7, 7, 8)]
    first, second, other = (_epoch(loader) for loader in loaders)
    return {"n": 20, "first": first, "second": second, "other_seed": other}


def _epochs_judge(got, ref):
    for order in got["epochs"]:
        why = _permutation_problem(order, got["n"])
        if why:
            return why
    e1, e2, e3 = got["epochs"]
    if e1 == e2 or e2 == e3:
        return ("consecutive epochs of one loader came in the same order "
                f"({_head(e1)}): every epoch must be reshuffled")
    return None


@probe(judge=_epochs_judge)
def epochs_differ(m):
    "three consecutive epochs of one loader are three different permutations"
    loader = m.make_loader(_index_dataset(20), batch_size=5, seed=3)
    return {"n": 20, "epochs": [_epoch(loader) for _ in range(3)]}


@probe
def batch_sizes_drop_last(m):
    "n=105, batch_size=10: len(loader) and batch sizes with drop_last False and True"
    ds = _index_dataset(105)
    out = {}
    for drop_last in (False, True):
        loader = m.make_loader(ds, batch_size=10, seed=0, drop_last=drop_last)
        out[f"drop_last={drop_last}"] = {"len": len(loader),
                                         "sizes": [len(y) for _, y in loader]}
    return out


@probe
def default_collate_batches(m):
    "batches of make_loader over a PairDataset: shapes, dtypes, and each row still paired with its label"
    n = 105
    i = torch.arange(n)
    data = torch.stack([i.float(), i + 0.5, -i.float()], dim=1)  # (105, 3): row i encodes i
    ds = m.PairDataset(data, i)
    shapes, paired = [], True
    for x, y in m.make_loader(ds, batch_size=10, seed=1):
        shapes.append((tuple(x.shape), tuple(y.shape), str(x.dtype), str(y.dtype)))
        paired = paired and torch.equal(x, data[y])
    return {"first": shapes[0], "last": shapes[-1], "batches": len(shapes), "paired": paired}


def _item_type_judge(got, ref):
    if got["ds[i]"] != ref["ds[i]"]:
        return (f"ds[i] is a {got['ds[i]']}; the statement promises a tuple (data[i], labels[i])")
    if got["batch"] != ref["batch"]:
        return f"a batch of the loader is a {got['batch']}, expected a {ref['batch']} (x, y)"
    return None


@probe(judge=_item_type_judge)
def item_is_a_tuple(m):
    "ds[i] is a tuple (data[i], labels[i]), and so is a loader's batch (x, y)"
    ds = m.PairDataset(torch.randn(6, 2), torch.arange(6))
    item = ds[2]
    batch = next(iter(m.make_loader(ds, batch_size=3, seed=0)))
    return {"ds[i]": f"{type(item).__name__} of {len(item)}",
            "batch": f"{type(batch).__name__} of {len(batch)}"}


def _global_rng_judge(got, ref):
    for stage in ("make_loader", "one epoch"):
        if got[stage] is not True:
            return (f"{stage} changed torch's global random state: the loader must shuffle with "
                    "its own generator and leave the global one alone")
    return None


@probe(judge=_global_rng_judge)
def global_rng_left_alone(m):
    "building a loader and running an epoch leave torch's global random state as it was"
    ds = _index_dataset(12)
    torch.manual_seed(1234)
    state = torch.get_rng_state()
    loader = m.make_loader(ds, batch_size=4, seed=5)
    built = torch.equal(torch.get_rng_state(), state)
    torch.set_rng_state(state)
    _epoch(loader)
    ran = torch.equal(torch.get_rng_state(), state)
    return {"make_loader": built, "one epoch": ran}
