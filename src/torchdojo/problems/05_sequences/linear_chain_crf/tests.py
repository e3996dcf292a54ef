"""Probes for linear_chain_crf. Every probe loads its own seeded parameters into the learner's
CRF (strict=True), runs it on short sequences (T <= 4 real steps, K <= 3 tags) and also
enumerates all K^L tag paths of every sequence with its own code. The judges compare the
learner's numbers with the enumeration the *reference's* process made (log Z as the log-sum-exp
of all path scores, the argmax path, the scores of given paths, autograd gradients through the
enumeration), so nothing the learner's process computes about itself is trusted."""

import itertools

import torch

from torchdojo.probes import compare, probe, raised

NAMES = ("start_transitions", "end_transitions", "transitions")

# what each observed quantity is, for messages
_WHAT = {
    "log_partition": "log_partition (log Z)",
    "score": "score of the given tag paths",
    "nll_none": "neg_log_likelihood(reduction='none')",
    "nll_sum": "neg_log_likelihood(reduction='sum')",
    "nll_mean": "neg_log_likelihood(reduction='mean')",
    "bad_reduction": "neg_log_likelihood with reduction='average' (should raise ValueError)",
    "decode": "viterbi_decode",
    "grad_emissions": "gradient of the NLL with respect to the emissions",
    "grad_start_transitions": "gradient of the NLL with respect to start_transitions",
    "grad_end_transitions": "gradient of the NLL with respect to end_transitions",
    "grad_transitions": "gradient of the NLL with respect to transitions",
    "finite": "finiteness of log Z, the NLL and the gradients",
}


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _params(k: int, seed: int, scale: float = 1.0,
            dtype: torch.dtype = torch.float64) -> dict[str, torch.Tensor]:
    """Seeded CRF parameters; transitions are far from symmetric."""
    g = _gen(seed)
    return {"start_transitions": torch.randn(k, generator=g, dtype=dtype) * scale,
            "end_transitions": torch.randn(k, generator=g, dtype=dtype) * scale,
            "transitions": torch.randn(k, k, generator=g, dtype=dtype) * scale}


def _crf(m, sd: dict[str, torch.Tensor], **kwargs):
    """The learner's CRF in the parameters' dtype with ``sd`` loaded strictly."""
    crf = m.CRF(sd["transitions"].shape[0], **kwargs).to(sd["transitions"].dtype)
    crf.load_state_dict(sd, strict=True)
    return crf


def _mask(lengths: list[int], t: int) -> torch.Tensor:
    return torch.arange(t)[None, :] < torch.tensor(lengths)[:, None]  # (B, T) right-padded


def _batch(k: int, lengths: list[int], t: int, seed: int, scale: float = 1.5,
           dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Emissions (B, T, K), tags (B, T) and mask (B, T); padded steps hold other values too."""
    g = _gen(seed)
    em = torch.randn(len(lengths), t, k, generator=g, dtype=dtype) * scale
    tags = torch.randint(0, k, (len(lengths), t), generator=g)
    return em, tags, _mask(lengths, t)


def _paths(k: int, length: int) -> torch.Tensor:
    return torch.tensor(list(itertools.product(range(k), repeat=length)))  # (K^L, L)


def _path_scores(sd, em_b: torch.Tensor, paths: torch.Tensor) -> torch.Tensor:
    """The score of every path (rows of ``paths``) over one sequence's real emissions."""
    length = paths.shape[1]
    s = (sd["start_transitions"][paths[:, 0]] + sd["end_transitions"][paths[:, -1]]
         + em_b[torch.arange(length), paths].sum(dim=1))
    if length > 1:
        s = s + sd["transitions"][paths[:, :-1], paths[:, 1:]].sum(dim=1)
    return s


def _brute(sd, em: torch.Tensor, tags: torch.Tensor, lengths: list[int]) -> dict:
    """Enumeration over all K^L paths of every sequence (batch-major inputs)."""
    k = sd["transitions"].shape[0]
    logz, gold, best = [], [], []
    for b, length in enumerate(lengths):
        paths = _paths(k, length)
        s = _path_scores(sd, em[b, :length], paths)
        logz.append(torch.logsumexp(s, dim=0))
        gold.append(_path_scores(sd, em[b, :length], tags[b, :length].unsqueeze(0))[0])
        best.append(paths[s.argmax()].tolist())
    logz, gold = torch.stack(logz), torch.stack(gold)
    nll = logz - gold
    return {"log_partition": logz.detach(), "score": gold.detach(), "nll_none": nll.detach(),
            "nll_sum": nll.sum().detach(), "nll_mean": nll.mean().detach(), "decode": best,
            "_nll": nll}


def _observe(crf, em, tags, mask) -> dict:
    """The learner's numbers for one batch."""
    return {"log_partition": crf.log_partition(em, mask).detach(),
            "score": crf.score(em, tags, mask).detach(),
            "nll_none": crf.neg_log_likelihood(em, tags, mask, reduction="none").detach(),
            "nll_sum": crf.neg_log_likelihood(em, tags, mask, reduction="sum").detach(),
            "nll_mean": crf.neg_log_likelihood(em, tags, mask, reduction="mean").detach(),
            "decode": crf.viterbi_decode(em, mask)}


def _case(m, k: int, lengths: list[int], t: int, seed: int, keys=None, **kwargs) -> dict:
    sd = _params(k, seed)
    em, tags, mask = _batch(k, lengths, t, seed + 100)
    got = _observe(_crf(m, sd), em, tags, mask)
    want = _brute(sd, em, tags, lengths)
    keys = keys or list(got)
    return {"learner": {key: got[key] for key in keys}, "brute": {key: want[key] for key in keys}}


def _vs_brute(rtol: float = 1e-6, atol: float = 1e-6, cases: dict[str, str] | None = None):
    """Judge: the learner's observation against the enumeration made in the reference's
    process. An observation is {"learner": {...}, "brute": {...}}, or a dict of such cases."""

    def one(got, ref, where: str) -> str | None:
        if not isinstance(got, dict) or not isinstance(got.get("learner"), dict):
            return f"{where}could not read the observation (got {type(got).__name__})"
        for key, want in ref["brute"].items():
            msg = compare(got["learner"].get(key), want, rtol=rtol, atol=atol)
            if msg:
                return (f"{where}{_WHAT.get(key, key)} differs from the enumeration of all "
                        f"paths: {msg}")
        return None

    def judge(got, ref):
        if cases is None:
            return one(got, ref, "")
        if not isinstance(got, dict):
            return f"could not read the observation (got {type(got).__name__})"
        for name, text in cases.items():
            msg = one(got.get(name), ref[name], f"{text}: ")
            if msg:
                return msg
        return None

    return judge


def _structure_judge(got, ref):
    if not isinstance(got, dict):
        return f"could not read the observation (got {type(got).__name__})"
    for key, what in [("params", "named_parameters() (name: [shape, requires_grad])"),
                      ("state", "state_dict() keys and shapes"), ("buffers", "buffers")]:
        if compare(got.get(key), ref[key]):
            return f"{what}: expected {ref[key]}, got {got.get(key)}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "CRF(5): the three parameters by name and shape, trainable, exactly the state_dict keys, no buffers"
    crf = m.CRF(5)
    return {"params": {n: [list(p.shape), p.requires_grad] for n, p in crf.named_parameters()},
            "state": {k: list(v.shape) for k, v in crf.state_dict().items()},
            "buffers": [n for n, _ in crf.named_buffers()]}


@probe(public=True, judge=_vs_brute(cases={"k3": "K=3, lengths [2, 4, 1, 3]",
                                           "k2": "K=2, lengths [3, 3, 2]"}))
def partition_brute_force(m):
    "log_partition equals the log-sum-exp over all K^L paths (variable lengths, float64)"
    return {"k3": _case(m, 3, [2, 4, 1, 3], 4, seed=1, keys=["log_partition"]),
            "k2": _case(m, 2, [3, 3, 2], 3, seed=2, keys=["log_partition"])}


def _every_path(m, k: int, length: int, t: int, seed: int) -> dict:
    """All K^L paths of one sequence as a batch (random tags at the padded steps)."""
    sd = _params(k, seed)
    g = _gen(seed + 100)
    em1 = torch.randn(1, t, k, generator=g, dtype=torch.float64) * 1.5
    paths = _paths(k, length)
    n = paths.shape[0]
    tags = torch.randint(0, k, (n, t), generator=g)
    tags[:, :length] = paths
    em = em1.repeat(n, 1, 1)  # (K^L, T, K)
    got = _crf(m, sd).score(em, tags, _mask([length] * n, t)).detach()
    return {"learner": {"score": got}, "brute": {"score": _path_scores(sd, em1[0, :length], paths)}}


@probe(judge=_vs_brute(cases={"k3_padded": "all 27 paths of a length-3 sequence padded to T=5",
                              "k2_full": "all 16 paths of a length-4 sequence with K=2"}))
def score_every_path(m):
    "score of every possible tag path of a sequence equals its enumerated score"
    return {"k3_padded": _every_path(m, 3, 3, 5, seed=3),
            "k2_full": _every_path(m, 2, 4, 4, seed=4)}


@probe(judge=_vs_brute())
def nll_reductions(m):
    "neg_log_likelihood with reduction 'none', 'sum' and 'mean'; another reduction raises ValueError"
    sd = _params(3, seed=5)
    lengths = [3, 1, 4, 2]
    em, tags, mask = _batch(3, lengths, 4, seed=105)
    crf = _crf(m, sd)
    got = _observe(crf, em, tags, mask)
    want = _brute(sd, em, tags, lengths)
    keys = ["nll_none", "nll_sum", "nll_mean", "score"]
    learner = {key: got[key] for key in keys}
    learner["bad_reduction"] = raised(
        lambda: crf.neg_log_likelihood(em, tags, mask, reduction="average"))
    brute = {key: want[key] for key in keys}
    brute["bad_reduction"] = "ValueError"
    return {"learner": learner, "brute": brute}


@probe(public=True, judge=_vs_brute(cases={
    "k3": "K=3, lengths [3, 4, 1, 2]", "k2": "K=2, lengths [4, 4, 2]",
    "k3_flat": "K=3, lengths [2, 3], emissions close to zero (transitions decide)"}))
def viterbi_brute_force(m):
    "viterbi_decode returns the argmax path of every sequence (a list of int lists, real lengths)"
    sd = _params(3, seed=8)
    em, tags, mask = _batch(3, [2, 3], 3, seed=108, scale=0.1)
    flat = {"learner": {"decode": _crf(m, sd).viterbi_decode(em, mask)},
            "brute": {"decode": _brute(sd, em, tags, [2, 3])["decode"]}}
    return {"k3": _case(m, 3, [3, 4, 1, 2], 4, seed=6, keys=["decode"]),
            "k2": _case(m, 2, [4, 4, 2], 4, seed=7, keys=["decode"]),
            "k3_flat": flat}


@probe(judge=_vs_brute(cases={"b1_t1": "batch 1, T=1", "b1_t4_k2": "batch 1, T=4, K=2",
                              "all_length_1": "3 sequences of length 1 padded to T=3",
                              "one_tag": "K=1 (a single tag), lengths [3, 2]"}))
def edge_cases(m):
    "batch 1, T=1, every sequence of length 1, and a single tag: every method"
    return {"b1_t1": _case(m, 3, [1], 1, seed=9),
            "b1_t4_k2": _case(m, 2, [4], 4, seed=10),
            "all_length_1": _case(m, 3, [1, 1, 1], 3, seed=11),
            "one_tag": _case(m, 1, [3, 2], 3, seed=12)}


@probe(judge=_vs_brute(cases={"tight": "lengths [3, 1, 4, 2] padded to T=4",
                              "more_padding": "the same sequences padded to T=7, other "
                                              "(large) emissions and tags at every padded step"}))
def padding_invariance(m):
    "more padding, and other emissions and tags at padded steps, change no result"
    lengths = [3, 1, 4, 2]
    sd = _params(3, seed=13)
    em, tags, mask = _batch(3, lengths, 4, seed=113)
    g = _gen(213)
    em_long = torch.randn(4, 7, 3, generator=g, dtype=torch.float64) * 50
    tags_long = torch.randint(0, 3, (4, 7), generator=g)
    mask_long = _mask(lengths, 7)
    em_long[:, :4] = torch.where(mask.unsqueeze(2), em, em_long[:, :4])
    tags_long[:, :4] = torch.where(mask, tags, tags_long[:, :4])
    crf = _crf(m, sd)
    want = _brute(sd, em, tags, lengths)
    want.pop("_nll")
    return {"tight": {"learner": _observe(crf, em, tags, mask), "brute": want},
            "more_padding": {"learner": _observe(crf, em_long, tags_long, mask_long),
                             "brute": want}}


def _grads(m, k: int, lengths: list[int], t: int, seed: int, scale: float = 1.0,
           dtype: torch.dtype = torch.float64, em_scale: float = 1.5, full: bool = False
           ) -> dict:
    """Gradients of the summed NLL (with ``full`` also log Z and the best paths): the
    learner's CRF, and the enumeration in float64 (differentiated by autograd)."""
    sd = _params(k, seed, scale=scale, dtype=dtype)
    em, tags, mask = _batch(k, lengths, t, seed + 100, scale=em_scale, dtype=dtype)
    crf = _crf(m, sd)
    em_l = em.clone().requires_grad_()
    nll = crf.neg_log_likelihood(em_l, tags, mask, reduction="sum")
    nll.backward()
    params = dict(crf.named_parameters())
    learner = {"nll_sum": nll.detach(), "grad_emissions": em_l.grad,
               **{f"grad_{n}": params[n].grad if n in params else None for n in NAMES}}
    learner["log_partition"] = crf.log_partition(em, mask).detach()
    # a missing gradient is reported by the comparison below, not as non-finite
    learner["finite"] = all(bool(torch.isfinite(v).all()) for v in learner.values()
                            if v is not None)
    learner["decode"] = crf.viterbi_decode(em, mask)

    sd64 = {n: v.double().requires_grad_() for n, v in sd.items()}
    em64 = em.double().requires_grad_()
    want = _brute(sd64, em64, tags, lengths)
    want["_nll"].sum().backward()
    brute = {"finite": True, "nll_sum": want["nll_sum"].to(dtype),
             "log_partition": want["log_partition"].to(dtype), "decode": want["decode"],
             "grad_emissions": em64.grad.to(dtype),
             **{f"grad_{n}": sd64[n].grad.to(dtype) for n in NAMES}}
    if not full:  # the gradients alone
        brute = {key: v for key, v in brute.items() if key not in ("log_partition", "decode")}
    return {"learner": learner, "brute": brute}


@probe(judge=_vs_brute(cases={"k3": "K=3, lengths [2, 4, 3]", "k2": "K=2, lengths [1, 3]"}))
def gradients(m):
    "gradients of the summed NLL w.r.t. the emissions and all three parameters (float64)"
    return {"k3": _grads(m, 3, [2, 4, 3], 4, seed=14),
            "k2": _grads(m, 2, [1, 3], 3, seed=15)}


@probe(judge=_vs_brute(rtol=1e-5, atol=1e-3))
def large_emissions(m):
    "float32 emissions of size 1e4: finite and correct log Z, NLL, gradients and best paths"
    return _grads(m, 3, [4, 2, 3], 4, seed=16, scale=10.0, dtype=torch.float32, em_scale=1e4,
                  full=True)


@probe(judge=_vs_brute())
def time_major(m):
    "batch_first=False: (T, B, K) emissions (a transposed view), (T, B) tags and mask"
    lengths = [2, 4, 3]
    sd = _params(3, seed=17)
    em, tags, mask = _batch(3, lengths, 4, seed=117)
    crf = _crf(m, sd, batch_first=False)
    got = _observe(crf, em.transpose(0, 1), tags.T, mask.T)
    want = _brute(sd, em, tags, lengths)
    want.pop("_nll")
    return {"learner": got, "brute": want}


@probe(judge=_vs_brute())
def mask_omitted(m):
    "mask=None: every step is real"
    sd = _params(3, seed=18)
    em, tags, _ = _batch(3, [3, 3], 3, seed=118)
    crf = _crf(m, sd)
    got = {"log_partition": crf.log_partition(em).detach(),
           "score": crf.score(em, tags).detach(),
           "nll_mean": crf.neg_log_likelihood(em, tags).detach(),
           "decode": crf.viterbi_decode(em)}
    want = _brute(sd, em, tags, [3, 3])
    return {"learner": got, "brute": {key: want[key] for key in got}}
