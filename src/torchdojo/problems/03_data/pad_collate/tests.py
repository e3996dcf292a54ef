"""Probes for pad_collate: padded values, shape and dtype, lengths, labels, order, padding_value,
inputs left alone, and the output used for real (nn.Embedding, pack_padded_sequence, DataLoader)."""

from functools import partial

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, Dataset

from torchdojo.probes import compare, probe


class _SeqDataset(Dataset):
    """Sample i is (token ids of sequence i, label i)."""

    def __init__(self, seqs: list[torch.Tensor], labels: list[int]) -> None:
        self.seqs, self.labels = seqs, labels

    def __len__(self) -> int:
        return len(self.seqs)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.seqs[i], self.labels[i]


def _random_batch(lengths: list[int], vocab: int = 20) -> list[tuple[torch.Tensor, int]]:
    """Seeded (seq, label) pairs; ids in [0, vocab), so 0 also occurs inside the sequences."""
    return [(torch.randint(0, vocab, (n,)), 100 + i) for i, n in enumerate(lengths)]


def _named(out) -> dict:
    """The learner's 3-tuple as a dict, so messages name the output that differs."""
    if isinstance(out, tuple | list) and len(out) == 3:
        return {"padded": out[0], "lengths": out[1], "labels": out[2]}
    what = f"{len(out)} outputs" if isinstance(out, tuple | list) else type(out).__name__
    note = f"returned {what}, not 3"
    return {"padded": note, "lengths": note, "labels": note}


def _error(call) -> str | None:
    """The exception torch raised when given the output (the observation), or None."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - torch rejecting the output is what is observed
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    return None


@probe(public=True)
def example_batch(m):
    "pad_collate([([1,2,3], 1), ([4,5], 0), ([6,7,8,9], 1)]): padded ids, lengths and labels"
    batch = [(torch.tensor([1, 2, 3]), 1), (torch.tensor([4, 5]), 0),
             (torch.tensor([6, 7, 8, 9]), 1)]
    return _named(m.pad_collate(batch))


@probe(public=True)
def padding_value_respected(m):
    "a seeded batch of 5 sequences padded with the default value and with padding_value=-1"
    batch = _random_batch([3, 7, 1, 5, 2])
    return {"default": _named(m.pad_collate(batch)),
            "padding_value=-1": _named(m.pad_collate(batch, padding_value=-1))}


@probe
def lengths_with_zero_ids(m):
    "lengths and padding of 8 seeded sequences whose ids include 0, some ending in 0"
    batch = _random_batch([4, 9, 2, 6, 1, 8, 3, 5], vocab=4)
    batch[0] = (torch.tensor([3, 0, 0, 0]), batch[0][1])  # ends in the padding id
    batch[4] = (torch.tensor([0]), batch[4][1])  # a single 0
    return _named(m.pad_collate(batch))


def _embedding_judge(got, ref):
    if got["dtype"] != ref["dtype"]:
        why = f" (nn.Embedding raised {got['error']})" if got["error"] else ""
        return (f"the padded batch has dtype {got['dtype']}, expected {ref['dtype']}: "
                f"token ids must stay integer ids{why}")
    if got["error"]:
        return f"nn.Embedding rejected the padded batch: {got['error']}"
    return compare(got["embedded"], ref["embedded"], path="embedding(padded)")


@probe(judge=_embedding_judge)
def feeds_nn_embedding(m):
    "the padded batch goes straight into nn.Embedding(20, 4, padding_idx=0)"
    batch = _random_batch([5, 2, 6, 3])
    emb = nn.Embedding(20, 4, padding_idx=0)
    padded = m.pad_collate(batch)[0]
    box = {}
    err = _error(lambda: box.setdefault("e", emb(padded).detach()))  # (B, T, 4)
    return {"dtype": str(padded.dtype), "error": err, "embedded": box.get("e")}


def _order_judge(got, ref):
    if not got["same_list_order"]:
        return ("the list passed to pad_collate was reordered or changed in place "
                f"(labels now {got['list_after']}, were {ref['list_after']}); "
                "leave the batch list as it came")
    if not got["seqs_unchanged"]:
        return "the input sequence tensors were modified by pad_collate"
    g, r = got["out"]["labels"], ref["out"]["labels"]
    if (isinstance(g, torch.Tensor) and g.shape == r.shape and not torch.equal(g, r)
            and torch.equal(g.sort().values, r.sort().values)):
        return (f"the samples came back in another order (labels {g.tolist()}, expected "
                f"{r.tolist()}): row i must be the i-th sample of the batch")
    return compare(got["out"], ref["out"])


@probe(judge=_order_judge)
def order_kept_inputs_untouched(m):
    "6 sequences in no particular length order: output order, and the batch list left as it was"
    batch = _random_batch([2, 6, 1, 4, 6, 3])
    before = [(seq.clone(), label) for seq, label in batch]
    ids = [id(seq) for seq, _ in batch]
    out = _named(m.pad_collate(batch))
    same_order = [id(seq) for seq, _ in batch] == ids and len(batch) == len(before)
    unchanged = all(torch.equal(s, b) for (s, _), (b, _) in zip(batch, before, strict=False))
    return {"same_list_order": same_order, "list_after": [label for _, label in batch],
            "seqs_unchanged": unchanged, "out": out}


@probe
def batch_of_one(m):
    "a batch of one sequence; a later write into the padded output must not reach the input"
    seq = torch.tensor([7, 3, 9, 1, 4])
    keep = seq.clone()
    res = m.pad_collate([(seq, 2)], padding_value=5)
    out = {k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in _named(res).items()}
    if isinstance(res, tuple | list) and res and isinstance(res[0], torch.Tensor):
        res[0].fill_(-100)  # the caller owns the output: it must be a new tensor
    out["input unchanged after a write into padded"] = torch.equal(seq, keep)
    return out


@probe
def empty_sequence(m):
    "a batch that holds a length-0 sequence: a row of padding and a length of 0"
    batch = [(torch.tensor([4, 8, 15]), 0), (torch.empty(0, dtype=torch.int64), 1),
             (torch.tensor([16, 23]), 2)]
    return _named(m.pad_collate(batch, padding_value=-1))


def _pack_judge(got, ref):
    if got["error"]:
        return f"pack_padded_sequence(padded, lengths, batch_first=True) failed: {got['error']}"
    return compare(got["packed"], ref["packed"])


@probe(judge=_pack_judge)
def feeds_pack_padded_sequence(m):
    "padded and lengths go into pack_padded_sequence(..., batch_first=True, enforce_sorted=False)"
    batch = _random_batch([3, 6, 1, 4])
    padded, lengths, _ = m.pad_collate(batch)
    x = padded.unsqueeze(-1).float() if isinstance(padded, torch.Tensor) else padded  # (B, T, 1)
    box = {}
    err = _error(lambda: box.setdefault("p", pack_padded_sequence(
        x, lengths, batch_first=True, enforce_sorted=False)))
    if err:
        return {"error": err, "packed": None}
    p = box["p"]
    return {"error": None, "packed": {"data": p.data, "batch_sizes": p.batch_sizes,
                                      "sorted_indices": p.sorted_indices}}


@probe
def inside_a_dataloader(m):
    "DataLoader(dataset of 10 sequences, batch_size=4, collate_fn=pad_collate), also with padding_value=-1"
    lengths = torch.randint(1, 9, (10,)).tolist()
    ds = _SeqDataset([torch.randint(1, 50, (n,)) for n in lengths], list(range(10)))
    out = {}
    for name, fn in (("default", m.pad_collate),
                     ("padding_value=-1", partial(m.pad_collate, padding_value=-1))):
        loader = DataLoader(ds, batch_size=4, shuffle=False, collate_fn=fn)
        out[name] = [_named(b) for b in loader]
    return out


def _types_judge(got, ref):
    if got["type"] != ref["type"]:
        return (f"pad_collate returned a {got['type']}; the statement promises a tuple "
                "(padded, lengths, labels)")
    if got["items"] != ref["items"]:
        return f"the three outputs are {got['items']}, expected {ref['items']}"
    return None


@probe(judge=_types_judge)
def returns_a_tuple_of_tensors(m):
    "the return value is a tuple of three int64 tensors"
    out = m.pad_collate(_random_batch([3, 1, 4]))
    items = [f"{type(x).__name__} {x.dtype}" if isinstance(x, torch.Tensor) else type(x).__name__
             for x in out] if isinstance(out, tuple | list) else []
    return {"type": type(out).__name__, "items": items}
