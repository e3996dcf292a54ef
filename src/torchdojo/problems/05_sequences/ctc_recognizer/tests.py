"""Probes for ctc_recognizer. CTCModel is built from the fixed signature and loaded with a
state_dict made here from a seeded generator (strict=True): log-probabilities at the real frames
for variable lengths, the (T, B, C) layout, log-softmax over C, independence from the padding,
gradients through the learner's ctc_loss and one SGD step. ctc_loss on log-probabilities made
here (value and gradient; padded and concatenated targets; an impossible sequence). greedy_decode
on hand-made frame paths. A short training run on synthetic utterances."""

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-5}
FEAT, HID, CLASSES = 8, 6, 5


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _spec(i: int, h: int, c: int) -> dict[str, tuple[int, ...]]:
    spec = {}
    for sfx in ("", "_reverse"):
        spec |= {f"rnn.weight_ih_l0{sfx}": (3 * h, i), f"rnn.weight_hh_l0{sfx}": (3 * h, h),
                 f"rnn.bias_ih_l0{sfx}": (3 * h,), f"rnn.bias_hh_l0{sfx}": (3 * h,)}
    return spec | {"fc.weight": (c, 2 * h), "fc.bias": (c,)}


def _model(m, seed: int, i: int = FEAT, h: int = HID, c: int = CLASSES):
    """The learner's CTCModel with seeded weights loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(s, generator=g) * 0.5 for k, s in _spec(i, h, c).items()}
    model = m.CTCModel(i, h, c)
    model.load_state_dict(sd, strict=True)
    return model


def _structure_judge(got, ref):
    missing, extra = sorted(set(ref) - set(got)), sorted(set(got) - set(ref))
    if missing or extra:
        return (f"state_dict keys differ: missing {missing[:4]}, unexpected {extra[:4]}; "
                "expected one bidirectional nn.GRU layer `rnn` and a Linear `fc`")
    for k, s in ref.items():
        if got[k] != s:
            return f"{k} has shape {got[k]}, expected {s}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "CTCModel(8, 16, 6): state_dict keys and shapes"
    torch.manual_seed(0)
    return {k: tuple(v.shape) for k, v in m.CTCModel(8, 16, 6).state_dict().items()}


# ---------------------------------------------------------------- the model's log-probabilities

def _frames(out, lengths: list[int]) -> dict:
    """The layout, and the log-probabilities at each sequence's real frames."""
    if not isinstance(out, torch.Tensor):
        return {"shape": type(out).__name__}
    obs = {"shape": tuple(out.shape)}
    if out.dim() == 3 and out.shape[1] == len(lengths) and out.shape[0] >= max(lengths):
        obs["real"] = [out[:n, b].detach().clone() for b, n in enumerate(lengths)]
    return obs


def _frames_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if g["shape"] != r["shape"]:
            return (f"{name}: output of shape {g['shape']}, expected {r['shape']} — "
                    "(T, B, num_classes), time first, as F.ctc_loss takes it")
        for b, (gb, rb) in enumerate(zip(g["real"], r["real"], strict=True)):
            if gb.is_floating_point() and gb.numel():
                lse = torch.logsumexp(gb.double(), dim=-1)
                if not bool(torch.isfinite(lse).all()) or float(lse.abs().max()) > 1e-4:
                    return (f"{name}: at the real frames of sequence {b}, logsumexp over the "
                            "classes is not 0: return log_softmax over the last axis")
            why = compare(gb, rb, **TOL, path=f"{name}, sequence {b}")
            if why:
                return why
    return None


@probe(public=True, judge=_frames_judge)
def log_probs_variable_lengths(m):
    "loaded weights, 3 padded utterances (lengths 5, 9, 2 of T=9): (T, B, C) log-probs at the real frames"
    model = _model(m, seed=1)
    x, lengths = _randn(3, 9, FEAT, seed=2), [5, 9, 2]
    with torch.no_grad():
        return {"lengths 5, 9, 2": _frames(model(x, torch.tensor(lengths)), lengths)}


@probe(judge=_frames_judge)
def log_probs_edge_shapes(m):
    "loaded weights: a batch of one, a single frame, lengths=None (all T frames), equal lengths"
    model = _model(m, seed=3)
    out = {}
    with torch.no_grad():
        x = _randn(1, 6, FEAT, seed=4)
        out["batch of one, length 4 of 6"] = _frames(model(x, torch.tensor([4])), [4])
        x = _randn(2, 1, FEAT, seed=5)
        out["T = 1"] = _frames(model(x, torch.tensor([1, 1])), [1, 1])
        x = _randn(4, 7, FEAT, seed=6)
        out["lengths=None"] = _frames(model(x), [7] * 4)
        out["lengths all 7"] = _frames(model(x, torch.tensor([7] * 4)), [7] * 4)
    return out


def _padding_judge(got, ref):
    why = _frames_judge({"zero padding": got["zeros"]}, {"zero padding": ref["zeros"]})
    if why:
        return why
    for b, (a, z) in enumerate(zip(got["noisy"].get("real", []), got["zeros"]["real"],
                                   strict=False)):
        if compare(a, z, **TOL) is not None:
            return (f"changing the padded frames changed the log-probs at the real frames of "
                    f"sequence {b}: pack the batch so that the GRU never reads the padding")
    return _frames_judge({"noisy padding": got["noisy"]}, {"noisy padding": ref["noisy"]})


@probe(judge=_padding_judge)
def padding_does_not_leak(m):
    "the same utterances padded with zeros and with large random values: identical log-probs at the real frames"
    model = _model(m, seed=7)
    x, lengths = _randn(4, 10, FEAT, seed=8), [6, 10, 3, 8]
    mask = torch.arange(10)[None, :] < torch.tensor(lengths)[:, None]  # (B, T) real frames
    zeros = x * mask[..., None]
    noisy = torch.where(mask[..., None], x, _randn(4, 10, FEAT, seed=9) * 5)
    with torch.no_grad():
        return {"zeros": _frames(model(zeros, torch.tensor(lengths)), lengths),
                "noisy": _frames(model(noisy, torch.tensor(lengths)), lengths)}


def _targets(seed: int, lengths: list[int], classes: int) -> torch.Tensor:
    """(B, S) labels in [1, classes) padded with 0 past each target length."""
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(1, classes, (len(lengths), max(lengths)), generator=g)
    return t * (torch.arange(max(lengths))[None, :] < torch.tensor(lengths)[:, None])


def _grads_judge(got, ref):
    why = compare(got["loss"], ref["loss"], rtol=1e-4, atol=1e-5, path="loss")
    if why:
        return why
    for name in ref["grads"]:
        g = got["grads"].get(name)
        if g is None:
            return f"{name} has no gradient after backward"
        why = compare(g, ref["grads"][name], rtol=1e-4, atol=1e-5)
        if why:
            return f"gradient of {name}: {why}"
    return None


def _backward(m, seed: int):
    model = _model(m, seed=seed)
    x, lengths = _randn(3, 12, FEAT, seed=seed + 1), torch.tensor([9, 12, 7])
    tl = torch.tensor([3, 4, 2])
    loss = m.ctc_loss(model(x, lengths), _targets(seed + 2, tl.tolist(), CLASSES), lengths, tl)
    loss.backward()
    return model, {"loss": loss.detach().clone(),
                   "grads": {n: p.grad for n, p in model.named_parameters()}}


@probe(judge=_grads_judge)
def gradients(m):
    "loaded weights, your ctc_loss on 3 utterances of lengths 9, 12, 7: the loss and every parameter's gradient"
    return _backward(m, seed=10)[1]


@probe(rtol=1e-4, atol=1e-5)
def sgd_step(m):
    "loaded weights, the same kind of loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    model, _ = _backward(m, seed=20)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in model.named_parameters()}


# ---------------------------------------------------------------- the loss

def _loss_obs(m, log_probs: torch.Tensor, targets, il, tl) -> dict:
    lp = log_probs.detach().requires_grad_()
    loss = m.ctc_loss(lp, targets, il, tl)
    if not isinstance(loss, torch.Tensor):
        return {"loss": loss}
    loss.backward()
    return {"loss": loss.detach().clone(), "grad": lp.grad}


def _loss_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if not isinstance(g["loss"], torch.Tensor) or g["loss"].dim() != 0:
            return f"{name}: ctc_loss must return a 0-d tensor, got {g['loss']!r:.60}"
        if not bool(torch.isfinite(g["loss"])):
            return (f"{name}: the loss is {float(g['loss'])}; a sequence too short for its "
                    "target must contribute 0 (zero_infinity=True)")
        why = compare(g["loss"], r["loss"], rtol=1e-4, atol=1e-5, path=f"{name}, loss")
        if why:
            return why
        if g["grad"] is None or not bool(torch.isfinite(g["grad"]).all()):
            return f"{name}: the gradient of the loss has nan/inf (or is missing)"
        why = compare(g["grad"], r["grad"], rtol=1e-4, atol=1e-5, path=f"{name}, gradient")
        if why:
            return why
    return None


def _log_probs(t: int, b: int, c: int, seed: int) -> torch.Tensor:
    return F.log_softmax(_randn(t, b, c, seed=seed) * 2, dim=-1)


@probe(public=True, judge=_loss_judge)
def loss_variable_lengths(m):
    "ctc_loss on seeded (T=15, B=4, C=6) log-probs, input lengths 11, 15, 6, 13, targets of 4, 6, 2, 5 labels"
    il, tl = torch.tensor([11, 15, 6, 13]), torch.tensor([4, 6, 2, 5])
    return {"padded targets": _loss_obs(m, _log_probs(15, 4, 6, seed=30),
                                        _targets(31, tl.tolist(), 6), il, tl)}


@probe(judge=_loss_judge)
def loss_target_formats(m):
    "ctc_loss with (B, S) padded targets and with 1-D concatenated targets; a batch of one; repeated labels"
    il, tl = torch.tensor([9, 12, 10]), torch.tensor([3, 5, 4])
    padded = _targets(33, tl.tolist(), 5)
    padded[1, :3] = torch.tensor([2, 2, 2])  # repeats need blanks between them
    concat = torch.cat([padded[b, :n] for b, n in enumerate(tl.tolist())])
    lp = _log_probs(12, 3, 5, seed=32)
    one = _log_probs(7, 1, 5, seed=34)
    return {"padded": _loss_obs(m, lp, padded, il, tl),
            "concatenated": _loss_obs(m, lp, concat, il, tl),
            "batch of one": _loss_obs(m, one, torch.tensor([[1, 3, 3]]), torch.tensor([7]),
                                      torch.tensor([3]))}


@probe(judge=_loss_judge)
def loss_impossible_sequence(m):
    "a batch where one sequence (3 frames, target 1 1 2: needs 4) cannot be aligned: finite loss and gradient"
    il, tl = torch.tensor([8, 3, 10]), torch.tensor([3, 3, 4])
    targets = torch.tensor([[1, 2, 3, 0], [1, 1, 2, 0], [4, 1, 4, 2]])
    return {"impossible second sequence": _loss_obs(m, _log_probs(10, 3, 5, seed=35), targets,
                                                    il, tl)}


# ---------------------------------------------------------------- greedy decoding

def _paths_to_log_probs(paths: list[list[int]], c: int, seed: int) -> torch.Tensor:
    """(T, B, C) log-probs whose frame-wise argmax is the given path (padded with random classes)."""
    t = max(len(p) for p in paths)
    g = torch.Generator().manual_seed(seed)
    filler = torch.randint(0, c, (len(paths), t), generator=g)  # garbage past each path's end
    best = torch.stack([torch.cat([torch.tensor(p, dtype=torch.long), filler[b, len(p):]])
                        for b, p in enumerate(paths)]).T  # (T, B)
    logits = torch.rand(t, len(paths), c, generator=g) + 4 * F.one_hot(best, c)
    return F.log_softmax(logits, dim=-1)


def _decode_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if type(g) is not list or not all(type(s) is list for s in g):
            return f"{name}: greedy_decode must return a list of lists, got {type(g).__name__}"
        if len(g) != len(r):
            return f"{name}: {len(g)} decoded sequences for a batch of {len(r)}"
        for b, (gs, rs) in enumerate(zip(g, r, strict=True)):
            if not all(type(s) is int for s in gs):
                return f"{name}: sequence {b} holds {type(gs[0]).__name__}, expected Python ints"
            if gs != rs:
                return f"{name}: sequence {b} decodes to {gs}, expected {rs}"
    return None


@probe(public=True, judge=_decode_judge)
def decode_hand_made(m):
    "greedy_decode on hand-made frame paths: 'a a _ a', runs of one label, leading/trailing blanks, all blanks"
    paths = [[1, 1, 0, 1], [0, 0, 2, 2, 3, 0, 0], [4, 4, 4, 4], [0, 0, 0], [3, 0, 3, 3, 0, 0, 3],
             [1, 2, 1, 2, 2, 1], [0, 4, 0, 4, 4, 0]]
    lengths = torch.tensor([len(p) for p in paths])
    # all paths padded to T=7 with garbage, read only up to their lengths
    return {"seven paths": m.greedy_decode(_paths_to_log_probs(paths, 5, seed=40), lengths)}


@probe(judge=_decode_judge)
def decode_lengths(m):
    "greedy_decode with lengths shorter than T (garbage after them), a length of 0, a batch of one"
    paths = [[2, 2, 0, 1], [3, 3, 0, 0, 3, 1, 1, 0, 2], [1], [0, 2, 0]]
    lp = _paths_to_log_probs(paths, 4, seed=41)  # T = 9
    lp[4:, 0, 3] = 10.0  # sequence 0's padding reads as label 3
    lp[1:, 2, 1] = 10.0  # sequence 2's padding continues its label, then ...
    lp[5:, 2, 2] = 20.0  # ... turns into label 2
    lengths = torch.tensor([4, 9, 1, 3])
    short = lengths.clone()
    short[3] = 0
    one = _paths_to_log_probs([[0, 3, 3, 0, 2, 0]], 4, seed=42)
    return {"lengths 4, 9, 1, 3": m.greedy_decode(lp, lengths),
            "a length of 0": m.greedy_decode(lp, short),
            "batch of one": m.greedy_decode(one, torch.tensor([6]))}


# ---------------------------------------------------------------- training on synthetic speech

TRAIN_FEAT, TRAIN_CLASSES = 8, 6


def _utterances(n: int, g: torch.Generator, protos: torch.Tensor, noise: float = 0.6):
    """n synthetic utterances: 1-4 labels, each 2-3 frames of its prototype plus noise, 1-2
    silence frames between labels and 0-1 at each end; padded with zeros on the right."""
    xs, labels = [], []
    for _ in range(n):
        s = int(torch.randint(1, 5, (1,), generator=g))
        lab = torch.randint(1, TRAIN_CLASSES, (s,), generator=g)
        sil = torch.randint(1, 3, (s + 1,), generator=g)
        sil[0], sil[-1] = torch.randint(0, 2, (2,), generator=g)
        dur = torch.randint(2, 4, (s,), generator=g)
        symbols = torch.zeros(2 * s + 1, dtype=torch.long)
        symbols[1::2] = lab
        counts = torch.zeros(2 * s + 1, dtype=torch.long)
        counts[0::2], counts[1::2] = sil, dur
        frames = symbols.repeat_interleave(counts)  # (L,) 0 = silence
        xs.append(protos[frames] + noise * torch.randn(len(frames), TRAIN_FEAT, generator=g))
        labels.append(lab.tolist())
    lengths = torch.tensor([len(x) for x in xs])
    x = torch.zeros(n, int(lengths.max()), TRAIN_FEAT)
    for i, xi in enumerate(xs):
        x[i, :len(xi)] = xi
    tl = torch.tensor([len(t) for t in labels])
    targets = torch.zeros(n, int(tl.max()), dtype=torch.long)
    for i, t in enumerate(labels):
        targets[i, :len(t)] = torch.tensor(t)
    return x, lengths, targets, tl, labels


def _train_judge(got, ref):
    decoded = got["decoded"]
    if type(decoded) is not list or len(decoded) != len(ref["labels"]) or not all(
            type(d) is list for d in decoded):
        return "greedy_decode did not return one list per test utterance"
    acc = sum(d == t for d, t in zip(decoded, ref["labels"], strict=True)) / len(ref["labels"])
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    if acc < 0.9:
        ref_acc = sum(d == t for d, t in zip(ref["decoded"], ref["labels"], strict=True))
        return (f"after 30 Adam steps {acc:.0%} of the 100 test utterances decode exactly right, "
                f"below 90% (the reference: {ref_acc}%); last loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def trains_on_synthetic_speech(m):
    "CTCModel(8, 16, 6), your ctc_loss, 30 Adam steps (batches of 32): >= 90% of 100 new utterances decode exactly"
    g = torch.Generator().manual_seed(100)
    protos = torch.randn(TRAIN_CLASSES, TRAIN_FEAT, generator=g) * 1.5
    protos[0] = 0.0  # silence: noise only
    train = [_utterances(32, g, protos) for _ in range(6)]
    x_test, l_test, _, _, labels = _utterances(100, g, protos)
    torch.manual_seed(0)
    model = m.CTCModel(TRAIN_FEAT, 16, TRAIN_CLASSES)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    loss = torch.tensor(float("nan"))
    for step in range(30):
        x, lengths, targets, tl, _ = train[step % len(train)]
        loss = m.ctc_loss(model(x, lengths), targets, lengths, tl)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        decoded = m.greedy_decode(model(x_test, l_test), l_test)
    return {"decoded": decoded, "labels": labels, "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}
