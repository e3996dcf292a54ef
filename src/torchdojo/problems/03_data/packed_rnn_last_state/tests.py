"""Probes for packed_rnn_last_state: every row equals running that sequence alone through the
same GRU (1 and 2 layers, unsorted lengths, any padding value), gradients match, and the GRU runs
once, on a PackedSequence."""

import torch
from torch import nn

from torchdojo.probes import compare, probe

RTOL, ATOL = 1e-5, 1e-5


def _setup(lengths: list[int], features: int, hidden: int, layers: int = 1):
    """A seeded batch-first GRU and seeded sequences of the given lengths."""
    rnn = nn.GRU(features, hidden, num_layers=layers, batch_first=True)
    seqs = [torch.randn(n, features) for n in lengths]
    return rnn, seqs


@torch.no_grad()
def _alone(rnn: nn.GRU, seqs: list[torch.Tensor]) -> dict:
    """Each sequence run by itself (batch of one, no padding): its h_n, top and bottom layer."""
    h = [rnn(s.unsqueeze(0))[1][:, 0] for s in seqs]  # each (layers, H)
    return {"top": torch.stack([x[-1] for x in h]), "bottom": torch.stack([x[0] for x in h])}


def _rows_problem(h, alone: dict, lengths: list[int], what: str = "the result") -> str | None:
    """None when every row of h matches the sequence run alone; else a diagnosis."""
    top = alone["top"]
    if not isinstance(h, torch.Tensor):
        return f"{what}: expected a tensor of shape {tuple(top.shape)}, got {type(h).__name__}"
    if tuple(h.shape) != tuple(top.shape):
        return (f"{what}: expected shape {tuple(top.shape)} (B, H), got {tuple(h.shape)}")
    if h.dtype != top.dtype:
        return f"{what}: expected dtype {top.dtype}, got {h.dtype}"
    close = torch.isclose(h, top, rtol=RTOL, atol=ATOL)
    bad = [i for i in range(len(lengths)) if not bool(close[i].all())]
    if not bad:
        return None
    match = [next((j for j in range(len(lengths)) if torch.allclose(
        h[i], top[j], rtol=RTOL, atol=ATOL)), None) for i in range(len(lengths))]
    if all(j is not None for j in match):
        pairs = ", ".join(f"row {i} is sequence {match[i]}" for i in bad[:3])
        return (f"{what}: the right states in the wrong order ({pairs}; lengths {lengths}): "
                "row i must belong to seqs[i]")
    if torch.allclose(h, alone["bottom"], rtol=RTOL, atol=ATOL):
        return (f"{what}: these are the states of the GRU's first layer; "
                f"the rnn has more than one layer and the top one is wanted")
    zero = [i for i in bad if bool((h[i] == 0).all())]
    if zero:
        return (f"{what}: rows {zero} (lengths {[lengths[i] for i in zero]}) are all zeros; "
                "the last padded time step is not where a shorter sequence ends")
    diff = float((h - top).abs().max())
    return (f"{what}: rows for lengths {[lengths[i] for i in bad]} differ from running each "
            f"of those sequences alone through rnn (max abs diff {diff:.3g}, rtol={RTOL:g}, "
            f"atol={ATOL:g}); rows for lengths "
            f"{[n for i, n in enumerate(lengths) if i not in bad]} match")


def _alone_judge(got, ref):
    return _rows_problem(got["h"], ref["alone"], ref["lengths"])


def _run(m, lengths, features, hidden, layers=1, **kw) -> dict:
    rnn, seqs = _setup(lengths, features, hidden, layers)
    alone = _alone(rnn, seqs)
    h = m.last_hidden_states(rnn, seqs, **kw)
    return {"h": h.detach() if isinstance(h, torch.Tensor) else h, "alone": alone,
            "lengths": lengths}


@probe(public=True, judge=_alone_judge)
def one_layer_unsorted_lengths(m):
    "GRU(3, 5), 6 sequences of lengths [4, 1, 7, 3, 7, 2]: each row equals that sequence run alone"
    return _run(m, [4, 1, 7, 3, 7, 2], features=3, hidden=5)


@probe(judge=_alone_judge)
def two_layer_gru(m):
    "2-layer GRU(4, 6), lengths [5, 2, 8, 1, 3]: the top layer's state of each sequence"
    return _run(m, [5, 2, 8, 1, 3], features=4, hidden=6, layers=2)


@probe(judge=_alone_judge)
def ascending_lengths(m):
    "lengths [1, 2, 3, 5, 8, 9] given shortest first: rows stay in the input order"
    return _run(m, [1, 2, 3, 5, 8, 9], features=2, hidden=4)


def _padding_judge(got, ref):
    for key in ("padding_value=0", "padding_value=50"):
        why = _rows_problem(got[key], ref["alone"], ref["lengths"], what=key)
        if why:
            a, b = got["padding_value=0"], got["padding_value=50"]
            if (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
                    and a.shape == b.shape and not torch.allclose(a, b, rtol=RTOL, atol=ATOL)):
                return ("changing padding_value from 0 to 50 changed the result: padding steps "
                        f"reach the GRU. {why}")
            return why
    return None


@probe(judge=_padding_judge)
def padding_value_has_no_effect(m):
    "the same batch with padding_value=0 and padding_value=50: both equal the sequences run alone"
    rnn, seqs = _setup([6, 2, 4, 1], features=3, hidden=4, layers=2)
    out = {"alone": _alone(rnn, seqs), "lengths": [6, 2, 4, 1]}
    for p in (0.0, 50.0):
        h = m.last_hidden_states(rnn, seqs, padding_value=p)
        out[f"padding_value={p:g}"] = h.detach() if isinstance(h, torch.Tensor) else h
    return out


def _small_judge(got, ref):
    return (_rows_problem(got["one"]["h"], ref["one"]["alone"], ref["one"]["lengths"],
                          what="a batch of one")
            or _rows_problem(got["equal"]["h"], ref["equal"]["alone"], ref["equal"]["lengths"],
                             what="equal lengths"))


@probe(judge=_small_judge)
def batch_of_one_and_equal_lengths(m):
    "a batch of one sequence (length 5), and 3 sequences of the same length 4"
    return {"one": _run(m, [5], features=3, hidden=4),
            "equal": _run(m, [4, 4, 4], features=3, hidden=4)}


def _grad_judge(got, ref):
    if not got["requires_grad"]:
        return ("the result does not require grad, so no gradient can reach the GRU's weights "
                "(was it computed under torch.no_grad() or detached?)")
    return compare(got["grads"], ref["grads"], rtol=1e-4, atol=1e-5)


@probe(judge=_grad_judge)
def gradients_reach_weights_and_inputs(m):
    "2-layer GRU: grads of every GRU weight and of the inputs after a weighted sum().backward()"
    lengths = [3, 6, 1, 4]
    rnn, seqs = _setup(lengths, features=3, hidden=4, layers=2)
    for s in seqs:
        s.requires_grad_(True)
    w = torch.randn(len(lengths), 4)  # a different weight for every output element
    h = m.last_hidden_states(rnn, seqs)
    if not (isinstance(h, torch.Tensor) and h.requires_grad):
        return {"requires_grad": False, "grads": None}
    (h * w).sum().backward()
    grads = {name: p.grad for name, p in rnn.named_parameters()}
    grads["inputs"] = [s.grad for s in seqs]
    return {"requires_grad": True, "grads": grads}


def _one_call_judge(got, ref):
    calls = got["calls"]
    if len(calls) != 1:
        return (f"the GRU was called {len(calls)} times for a batch of {got['batch']} sequences: "
                "run it once on the whole packed batch")
    if calls[0] != "PackedSequence":
        return (f"the GRU was given a {calls[0]}, not a PackedSequence: without packing it "
                "cannot know where each sequence ends")
    return _rows_problem(got["h"], ref["alone"], ref["lengths"])


@probe(judge=_one_call_judge)
def one_call_on_a_packed_batch(m):
    "the GRU runs exactly once, on a PackedSequence holding the whole batch"
    lengths = [2, 5, 3]
    rnn, seqs = _setup(lengths, features=3, hidden=4)
    alone = _alone(rnn, seqs)
    calls = []

    def record(module, args, kwargs):  # the type of the GRU's input, positional or keyword
        first = args[0] if args else kwargs.get("input")
        calls.append(type(first).__name__)

    hook = rnn.register_forward_pre_hook(record, with_kwargs=True)
    try:
        h = m.last_hidden_states(rnn, seqs)
    finally:
        hook.remove()
    return {"calls": calls, "batch": len(lengths), "alone": alone, "lengths": lengths,
            "h": h.detach() if isinstance(h, torch.Tensor) else h}


@probe(judge=_alone_judge)
def zero_frames_are_real_steps(m):
    "sequences whose last real steps are all-zero frames (equal to the padding value 0)"
    lengths = [4, 2, 5, 3]
    rnn, seqs = _setup(lengths, features=3, hidden=4)
    seqs[0][-2:] = 0.0  # two silent frames at the end: still part of the sequence
    seqs[2][-1] = 0.0
    seqs[3][1] = 0.0  # and one in the middle
    alone = _alone(rnn, seqs)
    h = m.last_hidden_states(rnn, seqs)
    return {"h": h.detach() if isinstance(h, torch.Tensor) else h, "alone": alone,
            "lengths": lengths}


def _unchanged_judge(got, ref):
    if got["order"] != ref["order"]:
        return (f"after the call, the caller's list holds the sequences in the order "
                f"{got['order']} (it was {ref['order']}): do not sort or reorder seqs in place")
    if got["values_kept"] is not True:
        return "the call changed the values of the input sequences: leave seqs' tensors as they are"
    return None


@probe(judge=_unchanged_judge)
def inputs_left_unchanged(m):
    "the caller's list keeps its order and its tensors keep their values"
    lengths = [2, 6, 3, 5, 1]
    rnn, seqs = _setup(lengths, features=3, hidden=4)
    originals = list(seqs)
    copies = [s.clone() for s in seqs]
    m.last_hidden_states(rnn, seqs)
    position = {id(s): i for i, s in enumerate(originals)}
    order = [position.get(id(s), -1) for s in seqs]
    kept = all(torch.equal(s, c) for s, c in zip(originals, copies, strict=True))
    return {"order": order, "values_kept": kept}
