"""Probes for balanced_batches: inverse-frequency weights (values, and the class balance a seeded
WeightedRandomSampler gets from them), and a batch sampler whose batches are exactly balanced,
random, reproducible from its seed, and usable as a DataLoader's batch_sampler."""

import random
from collections import Counter

import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler, TensorDataset, WeightedRandomSampler

from torchdojo.probes import probe, raised


def _labels(counts: dict[int, int], seed: int = 0) -> torch.Tensor:
    """A seeded, shuffled int64 label vector with counts[c] samples of class c."""
    labels = torch.tensor([c for c, n in counts.items() for _ in range(n)])
    return labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))]


IMBALANCED = {0: 900, 1: 90, 2: 10}  # 90% / 9% / 1% of 1,000 samples


def _kind(batch) -> str:
    """'list of int' for a list of Python ints, else what the batch is."""
    if not isinstance(batch, list):
        return f"a {type(batch).__name__}"
    inner = sorted({type(i).__name__ for i in batch})
    return f"list of {'/'.join(inner) or 'nothing'}"


def _observe(sampler) -> dict:
    """One pass over a batch sampler: what it yields, as plain lists of ints."""
    batches = list(sampler)
    return {"kinds": sorted({_kind(b) for b in batches}),
            "batches": [[int(i) for i in b] for b in batches]}


def _batch_problem(got: dict, ref: dict) -> str | None:
    """None if every batch has batch_size valid indices, batch_size / K of each class."""
    labels, bs = ref["labels"], ref["batch_size"]
    classes = sorted(set(labels))
    share = bs // len(classes)
    if got["kinds"] not in ([], ["list of int"]):
        return (f"each batch must be a list of Python ints, got {' and '.join(got['kinds'])} "
                "(a tensor of indices converts with .tolist())")
    batches = got["batches"]
    if len(batches) != len(ref["batches"]):
        return f"one pass yielded {len(batches)} batches, expected num_batches = {len(ref['batches'])}"
    for j, b in enumerate(batches):
        if len(b) != bs:
            return f"batch {j} holds {len(b)} indices, expected batch_size = {bs}"
        bad = [i for i in b if not 0 <= i < len(labels)]
        if bad:
            return f"batch {j} holds index {bad[0]}, outside the dataset (0..{len(labels) - 1})"
        counts = Counter(labels[i] for i in b)
        if any(counts[c] != share for c in classes):
            have = ", ".join(f"{counts[c]} of class {c}" for c in classes)
            return (f"batch {j} holds {have}; expected exactly {share} of each of the "
                    f"{len(classes)} classes (batch_size {bs} / {len(classes)})")
    return None


def _balanced_judge(got, ref):
    if not got.get("is_sampler", True):
        return "BalancedBatchSampler must subclass torch.utils.data.Sampler"
    return _batch_problem(got, ref)


def _run(m, labels, batch_size: int, num_batches: int, seed: int = 0) -> dict:
    """Build the learner's sampler, take one pass, and add what the judge needs."""
    sampler = m.BalancedBatchSampler(labels, batch_size, num_batches, seed=seed)
    out = _observe(sampler)
    out.update(labels=torch.as_tensor(labels).tolist(), batch_size=batch_size,
               is_sampler=isinstance(sampler, Sampler))
    return out


# ---------------------------------------------------------------- balanced_sample_weights


@probe(public=True, rtol=1e-6, atol=0.0)
def weights_small_example(m):
    "balanced_sample_weights(tensor([2, 0, 0, 1, 0, 2])): values, shape and dtype"
    return m.balanced_sample_weights(torch.tensor([2, 0, 0, 1, 0, 2]))


@probe(rtol=1e-6, atol=0.0)
def weights_imbalanced(m):
    "weights for a seeded 90%/9%/1% label vector of 1,000 samples, and for labels 3, 7 and 11"
    return {"90/9/1": m.balanced_sample_weights(_labels(IMBALANCED)),
            "labels 3/7/11": m.balanced_sample_weights(_labels({3: 30, 7: 15, 11: 5}, seed=1))}


def _draws_judge(got, ref):
    if got["shape"] != ref["shape"]:
        return (f"the weights have shape {tuple(got['shape'])}; WeightedRandomSampler needs one "
                f"weight per sample, shape {tuple(ref['shape'])}")
    counts, n = got["counts"], sum(got["counts"])
    frac = [c / n for c in counts]
    if all(abs(f - 1 / len(counts)) <= 0.05 for f in frac):
        return None
    seen = " / ".join(f"{c}" for c in counts)
    pct = " / ".join(f"{100 * f:.1f}%" for f in frac)
    return (f"{n} draws of WeightedRandomSampler with these weights gave classes 0/1/2 "
            f"{seen} times ({pct}); each class should get {100 / len(counts):.1f}% +- 5%")


@probe(judge=_draws_judge)
def weighted_sampler_balances(m):
    "a seeded WeightedRandomSampler(weights, 3000) over the 90/9/1 data: each class near 1/3"
    labels = _labels(IMBALANCED)
    w = m.balanced_sample_weights(labels)
    shape = list(w.shape) if isinstance(w, torch.Tensor) else [len(w)]
    if shape != [len(labels)]:
        return {"shape": shape, "counts": None}
    sampler = WeightedRandomSampler(w, num_samples=3000, replacement=True,
                                    generator=torch.Generator().manual_seed(0))
    loader = DataLoader(TensorDataset(labels), batch_size=100, sampler=sampler)
    drawn = torch.cat([y for (y,) in loader])  # (3000,) the labels the loader delivered
    return {"shape": shape, "counts": torch.bincount(drawn, minlength=3).tolist()}


# ---------------------------------------------------------------- BalancedBatchSampler


@probe(public=True, judge=_balanced_judge)
def batches_exactly_balanced(m):
    "BalancedBatchSampler(90/9/1 labels as a list, batch_size=12, num_batches=25): every batch"
    return _run(m, _labels(IMBALANCED).tolist(), 12, 25)


@probe
def length_matches_batches(m):
    "len(sampler) and the number of batches one pass yields, for num_batches = 1, 7, 30"
    labels = _labels(IMBALANCED).tolist()
    out = {}
    for n in (1, 7, 30):
        s = m.BalancedBatchSampler(labels, 6, n)
        out[f"num_batches={n}"] = {"len": len(s), "batches yielded": len(list(s))}
    return out


@probe(judge=_balanced_judge)
def minority_smaller_than_share(m):
    "labels 40/6/2 with batch_size=12: class 2 has 2 samples but each batch needs 4 of it"
    return _run(m, _labels({0: 40, 1: 6, 2: 2}, seed=2).tolist(), 12, 10)


@probe(judge=_balanced_judge)
def tensor_and_sparse_labels(m):
    "labels given as an int64 tensor with values 3, 7, 11 (not 0..K-1), batch_size=6"
    return _run(m, _labels({3: 30, 7: 15, 11: 5}, seed=1), 6, 10)


def _loader_judge(got, ref):
    if got["len"] != ref["len"]:
        return f"len(DataLoader) is {got['len']}, expected num_batches = {ref['len']}"
    return _batch_problem(got, ref)


@probe(judge=_loader_judge)
def inside_a_dataloader(m):
    "DataLoader(TensorDataset(x, y), batch_sampler=BalancedBatchSampler(...)): len and batches"
    labels = _labels(IMBALANCED)
    ds = TensorDataset(torch.arange(len(labels)), labels)
    loader = DataLoader(ds, batch_sampler=m.BalancedBatchSampler(labels.tolist(), 9, 12, seed=3))
    batches = [x.tolist() for x, _ in loader]
    return {"len": len(loader), "kinds": ["list of int"] if batches else [], "batches": batches,
            "labels": labels.tolist(), "batch_size": 9}


def _seed_judge(got, ref):
    a1, b1, a2, b2, c1 = (got[k] for k in ("a1", "b1", "a2", "b2", "c1"))
    if a1 != b1 or a2 != b2:
        return ("two samplers built with the same seed gave different batches: draw from a "
                "generator seeded with `seed`, not from the global RNG")
    if a1 == c1:
        return "seeds 5 and 6 gave the same batches: the seed must change the draws"
    if a1 == a2:
        return ("the second pass over the same sampler (the next epoch) repeated the first "
                "pass's batches: seed the generator once, in __init__")
    return None


@probe(judge=_seed_judge)
def same_seed_same_batches(m):
    "two samplers with seed 5 and one with seed 6, each iterated twice (two epochs)"
    labels = _labels(IMBALANCED).tolist()
    a, b, c = (m.BalancedBatchSampler(labels, 6, 8, seed=s) for s in (5, 5, 6))
    a1, b1, c1 = (_observe(s)["batches"] for s in (a, b, c))
    a2, b2 = (_observe(s)["batches"] for s in (a, b))
    return {"a1": a1, "b1": b1, "a2": a2, "b2": b2, "c1": c1}


def _rng_judge(got, ref):
    touched = [k for k in ("torch", "random", "numpy") if not got[k]]
    if touched:
        return (f"building and iterating the sampler changed the global {', '.join(touched)} "
                "RNG state: use a private generator seeded with `seed`")
    return None


@probe(judge=_rng_judge)
def leaves_global_rng_alone(m):
    "building and iterating the sampler leaves the global torch / random / numpy RNGs alone"
    labels = _labels(IMBALANCED).tolist()
    t, r, n = torch.get_rng_state(), random.getstate(), np.random.get_state()
    list(m.BalancedBatchSampler(labels, 6, 5, seed=1))
    n2 = np.random.get_state()
    return {"torch": bool(torch.equal(t, torch.get_rng_state())),
            "random": random.getstate() == r,
            "numpy": bool(n[0] == n2[0] and np.array_equal(n[1], n2[1]) and n[2:] == n2[2:])}


def _random_picks_judge(got, ref):
    msg = _batch_problem(got, ref)
    if msg:
        return msg
    labels = ref["labels"]
    for c, least in ((0, 150), (1, 60), (2, 10)):
        used = {i for b in got["batches"] for i in b if labels[i] == c}
        n_c = sum(1 for y in labels if y == c)
        if len(used) < least:
            return (f"over {len(got['batches'])} batches only {len(used)} different samples of "
                    f"class {c} (of its {n_c}) were used: draw each class's share at random "
                    "from all of its samples")
    return None


@probe(judge=_random_picks_judge)
def picks_are_random(m):
    "100 batches of 12 from the 90/9/1 data draw from all of each class's samples"
    return _run(m, _labels(IMBALANCED).tolist(), 12, 100, seed=7)


def _grouped(batch_labels: list[int]) -> bool:
    """True if each class forms one contiguous run in the batch (e.g. 0 0 1 1 2 2)."""
    runs = [y for k, y in enumerate(batch_labels) if k == 0 or y != batch_labels[k - 1]]
    return len(runs) == len(set(runs))


def _shuffled_judge(got, ref):
    msg = _batch_problem(got, ref)
    if msg:
        return msg
    labels = ref["labels"]
    per_batch = [[labels[i] for i in b] for b in got["batches"]]
    grouped = [y for y in per_batch if _grouped(y)]
    if len(grouped) > 5:
        return (f"{len(grouped)} of {len(per_batch)} batches are grouped by class (e.g. labels "
                f"{grouped[0]}): shuffle the order inside each batch")
    return None


@probe(judge=_shuffled_judge)
def shuffled_inside_batch(m):
    "50 batches of 12: the classes are mixed inside each batch, not in blocks"
    return _run(m, _labels(IMBALANCED).tolist(), 12, 50, seed=11)


@probe
def rejects_indivisible(m):
    "ValueError when batch_size is not a positive multiple of the number of classes"
    three = _labels({0: 20, 1: 5, 2: 3}).tolist()
    two = [0, 1] * 10
    return {"K=3, batch_size=10": raised(lambda: m.BalancedBatchSampler(three, 10, 4)),
            "K=3, batch_size=4": raised(lambda: m.BalancedBatchSampler(three, 4, 4)),
            "K=2, batch_size=7": raised(lambda: m.BalancedBatchSampler(two, 7, 4)),
            "K=3, batch_size=0": raised(lambda: m.BalancedBatchSampler(three, 0, 4)),
            "K=3, batch_size=-3": raised(lambda: m.BalancedBatchSampler(three, -3, 4)),
            "K=3, batch_size=3 (valid)": raised(lambda: m.BalancedBatchSampler(three, 3, 4)),
            "K=2, batch_size=8 (valid)": raised(lambda: m.BalancedBatchSampler(two, 8, 4))}

