"""Probes for gat_readout. GATLayer is built from the fixed signature and loaded with a state_dict
made here from a seeded generator (strict=True): outputs on small directed graphs (1 and 3 heads,
concat and mean, a non-default negative_slope), gradients and one SGD step, then attention by
behaviour (non-neighbours change nothing, a node with no incoming edge keeps W x_i, equal features
give W x, duplicate edges and given self loops change nothing, huge features stay finite) and
permutation equivariance. global_mean_pool: sizes, an empty graph, an interleaved batch vector,
the gradient, and a GAT + pool readout that does not depend on the node order."""

import torch

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _spec(i: int, o: int, heads: int) -> dict[str, tuple[int, ...]]:
    return {"W.weight": (heads * o, i), "att_src": (heads, o), "att_dst": (heads, o)}


def _layer(m, i: int, o: int, heads: int, seed: int, concat: bool = True,
           negative_slope: float | None = None, scale: float = 0.6):
    """The learner's GATLayer with seeded weights loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(s, generator=g) * scale for k, s in _spec(i, o, heads).items()}
    kw = {} if negative_slope is None else {"negative_slope": negative_slope}
    layer = m.GATLayer(i, o, heads=heads, concat=concat, **kw)
    layer.load_state_dict(sd, strict=True)
    return layer


def _digraph(n: int, e: int, seed: int) -> torch.Tensor:
    """A seeded directed graph without self loops (duplicates possible)."""
    ei = torch.randint(0, n, (2, e), generator=torch.Generator().manual_seed(seed))
    return ei[:, ei[0] != ei[1]]


def _structure_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        missing, extra = sorted(set(r) - set(g)), sorted(set(g) - set(r))
        if missing or extra:
            return (f"{name}: state_dict keys differ: missing {missing}, unexpected {extra}; "
                    f"expected exactly {sorted(r)} (are the attention vectors nn.Parameters?)")
        for k, s in r.items():
            if g[k] != s:
                return f"{name}: {k} has shape {g[k]}, expected {s}"
    return None


@probe(public=True, judge=_structure_judge)
def structure(m):
    "GATLayer(5, 4, heads=3), GATLayer(6, 2) and GATLayer(3, 5, heads=2, concat=False): state_dict keys and shapes"
    torch.manual_seed(0)
    out = {}
    for name, args, kw in (("GATLayer(5, 4, heads=3)", (5, 4), {"heads": 3}),
                           ("GATLayer(6, 2)", (6, 2), {}),
                           ("GATLayer(3, 5, heads=2, concat=False)", (3, 5),
                            {"heads": 2, "concat": False})):
        out[name] = {k: tuple(v.shape) for k, v in m.GATLayer(*args, **kw).state_dict().items()}
    return out


@probe(public=True, rtol=1e-5, atol=1e-6)
def loaded_three_heads_concat(m):
    "GATLayer(5, 4, heads=3) with loaded weights on a 9-node directed graph: the (9, 12) output"
    layer = _layer(m, 5, 4, 3, seed=1)
    with torch.no_grad():
        return layer(_randn(9, 5, seed=2), _digraph(9, 20, seed=3))


@probe(rtol=1e-5, atol=1e-6)
def loaded_heads_mean(m):
    "GATLayer(5, 4, heads=3, concat=False) with loaded weights: the (9, 4) mean over heads"
    layer = _layer(m, 5, 4, 3, seed=4, concat=False)
    with torch.no_grad():
        return layer(_randn(9, 5, seed=5), _digraph(9, 20, seed=6))


@probe(rtol=1e-5, atol=1e-6)
def loaded_one_head(m):
    "GATLayer(4, 3) (one head), concat=True and concat=False, loaded weights: outputs"
    x, ei = _randn(7, 4, seed=7), _digraph(7, 14, seed=8)
    with torch.no_grad():
        return {"concat=True": _layer(m, 4, 3, 1, seed=9)(x, ei),
                "concat=False": _layer(m, 4, 3, 1, seed=9, concat=False)(x, ei)}


@probe(rtol=1e-5, atol=1e-6)
def negative_slope_used(m):
    "GATLayer(5, 4, heads=2, negative_slope=0.5) with loaded weights (many negative scores): output"
    layer = _layer(m, 5, 4, 2, seed=10, negative_slope=0.5, scale=1.2)
    with torch.no_grad():
        return layer(_randn(10, 5, seed=11), _digraph(10, 24, seed=12))


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward (is it a registered nn.Parameter?)"
        why = compare(got[name], ref[name], rtol=1e-4, atol=1e-6)
        if why:
            return f"gradient of {name}: {why}"
    return None


def _backward(m, seed: int):
    layer = _layer(m, 5, 4, 3, seed=seed)
    x = _randn(9, 5, seed=seed + 1, requires_grad=True)
    out = layer(x, _digraph(9, 20, seed=seed + 2))
    (out * _randn(*out.shape, seed=seed + 3)).sum().backward()
    grads = {n: p.grad for n, p in layer.named_parameters()}
    grads["input"] = x.grad
    return layer, grads


@probe(judge=_grads_judge)
def gradients(m):
    "loaded weights, 3 heads, a seeded loss sum(out * w): the gradient of W, att_src, att_dst and the input"
    return _backward(m, seed=13)[1]


@probe(rtol=1e-4, atol=1e-6)
def sgd_step(m):
    "loaded weights, the same kind of loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    layer, _ = _backward(m, seed=17)
    torch.optim.SGD(layer.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in layer.named_parameters()}


# ---------------------------------------------------------------- attention by behaviour

def _locality_judge(got, ref):
    why = compare(got["before"], ref["before"], **TOL, path="before the change")
    if why:
        return why
    keep = ref["untouched"]
    if isinstance(got["after"], torch.Tensor) and got["after"].shape == got["before"].shape and \
            compare(got["after"][keep], got["before"][keep], **TOL) is not None:
        return ("changing the features of nodes outside a node's neighbourhood changed that "
                "node's output: the softmax must give weight 0 to every non-neighbour")
    return compare(got["after"], ref["after"], **TOL, path="after the change")


@probe(judge=_locality_judge)
def non_neighbours_ignored(m):
    "change the features of nodes that are not in-neighbours of nodes 0-3: the outputs of nodes 0-3 do not move"
    # 12 nodes; nodes 0-3 receive edges only from nodes 0-5; nodes 6-11 get new features
    ei = torch.tensor([[1, 2, 4, 5, 0, 3, 5, 6, 7, 8, 9, 10, 11, 2, 0],
                       [0, 0, 1, 1, 2, 2, 3, 7, 8, 9, 10, 11, 6, 8, 9]])
    x = _randn(12, 5, seed=20)
    x2 = x.clone()
    x2[6:] = _randn(6, 5, seed=21) * 3
    layer = _layer(m, 5, 3, 2, seed=22)
    with torch.no_grad():
        return {"before": layer(x, ei), "after": layer(x2, ei), "untouched": [0, 1, 2, 3]}


def _own_judge(got, ref):
    why = compare(got["out"], ref["out"], **TOL)
    if why is None:
        return None
    out, wx, alone = got["out"], got["Wx"], ref["alone"]
    if not (isinstance(out, torch.Tensor) and isinstance(wx, torch.Tensor)
            and out.shape == wx.shape == ref["out"].shape):
        return why
    if not bool(torch.isfinite(out[alone]).all()):
        return ("a node with no incoming edge got nan/inf: it must still attend to itself "
                "(add the self loops)")
    if compare(out[alone], wx[alone], **TOL) is not None:
        return ("a node with no incoming edge (only its self loop) must return its own W x_i; "
                f"and the other nodes: {why}")
    return why


@probe(judge=_own_judge)
def only_self_loop(m):
    "nodes 0 and 5 have outgoing edges but no incoming one: each returns its own W x_i (edges point source -> target)"
    ei = torch.tensor([[0, 0, 1, 2, 3, 5, 5], [1, 2, 2, 3, 4, 1, 4]])
    x = _randn(6, 4, seed=23)
    layer = _layer(m, 4, 3, 2, seed=24)
    with torch.no_grad():
        return {"out": layer(x, ei), "Wx": layer.W(x), "alone": [0, 5]}


def _uniform_judge(got, ref):
    why = compare(got, ref, **TOL)
    if why:
        return ("with the same features on every node each output row must be W x (the "
                f"attention weights of each node sum to 1 over its neighbourhood): {why}")
    return None


@probe(judge=_uniform_judge)
def equal_features(m):
    "the same feature vector on all 8 nodes of a directed graph: every output row equals W x"
    ei = _digraph(8, 18, seed=25)
    x = _randn(1, 5, seed=26).expand(8, 5).contiguous()
    layer = _layer(m, 5, 4, 3, seed=27)
    with torch.no_grad():
        return layer(x, ei)


def _same_judge(got, ref):
    why = compare(got["plain"], ref["plain"], **TOL, path="edges listed once")
    if why:
        return why
    why = compare(got["repeated"], ref["repeated"], **TOL)
    if why:
        return ("listing some edges twice and adding self loops to edge_index changed the output: "
                f"the neighbourhood is a set ({why})")
    return None


@probe(judge=_same_judge)
def duplicates_and_given_self_loops(m):
    "edges listed twice and self loops already in edge_index give the same output as the plain edge list"
    ei = torch.unique(_digraph(8, 16, seed=28), dim=1)
    extra = torch.cat([ei, ei[:, :5], torch.arange(0, 8, 2).repeat(2, 1)], dim=1)
    x = _randn(8, 5, seed=29)
    layer = _layer(m, 5, 3, 2, seed=30)
    with torch.no_grad():
        return {"plain": layer(x, ei), "repeated": layer(x, extra)}


def _finite_judge(got, ref):
    if isinstance(got, torch.Tensor) and got.is_floating_point() and not bool(
            torch.isfinite(got).all()):
        return "features of size ~100 gave nan/inf outputs: use a numerically stable softmax"
    return compare(got, ref, rtol=1e-4, atol=1e-4)


@probe(judge=_finite_judge)
def huge_features(m):
    "features scaled by 100 (scores in the thousands): finite outputs, equal to the reference's"
    layer = _layer(m, 5, 4, 2, seed=31)
    with torch.no_grad():
        return layer(_randn(9, 5, seed=32) * 100, _digraph(9, 20, seed=33))


def _perm_judge(got, ref):
    why = compare(got["original"], ref["original"], **TOL, path="original labels")
    if why:
        return why
    why = compare(got["relabelled"], ref["relabelled"], **TOL, path="relabelled")
    if why and compare(got["relabelled"][ref["perm"]], got["original"], rtol=1e-4,
                       atol=1e-5) is not None:
        return ("relabelling the nodes did not relabel the outputs: out_relabelled[perm] should "
                "equal out_original")
    return why


@probe(judge=_perm_judge)
def permutation_equivariance(m):
    "relabel the 10 nodes of a directed graph (edges and features): the outputs are relabelled the same way"
    ei = _digraph(10, 24, seed=34)
    perm = torch.randperm(10, generator=torch.Generator().manual_seed(35))  # old i -> new perm[i]
    x = _randn(10, 5, seed=36)
    x_new = torch.empty_like(x)
    x_new[perm] = x
    layer = _layer(m, 5, 4, 3, seed=37)
    with torch.no_grad():
        return {"perm": perm, "original": layer(x, ei), "relabelled": layer(x_new, perm[ei])}


# ---------------------------------------------------------------- the readout

def _pool_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if isinstance(g, torch.Tensor) and g.is_floating_point() and not bool(
                torch.isfinite(g).all()):
            return f"{name}: the pooled features have nan/inf (an empty graph must give zeros)"
        why = compare(g, r, **TOL, path=name)
        if why:
            return why
    return None


@probe(public=True, judge=_pool_judge)
def pool_sizes_and_empty(m):
    "global_mean_pool: graphs of 1, 3 and 5 nodes and an empty graph (zeros), batch sorted and interleaved"
    x = _randn(9, 4, seed=40)
    sorted_batch = torch.tensor([0, 1, 1, 1, 3, 3, 3, 3, 3])  # graph 2 has no nodes
    perm = torch.randperm(9, generator=torch.Generator().manual_seed(41))
    return {"sorted batch": m.global_mean_pool(x, sorted_batch, 4),
            "interleaved batch": m.global_mean_pool(x[perm], sorted_batch[perm], 4),
            "empty graph last": m.global_mean_pool(x, sorted_batch.clamp(max=2), 4)}


@probe(judge=_pool_judge)
def pool_edge_cases(m):
    "global_mean_pool: one graph, one feature, float64, and more graphs than nodes"
    g = torch.Generator().manual_seed(42)
    x = torch.randn(6, 1, generator=g)
    return {"one graph": m.global_mean_pool(x, torch.zeros(6, dtype=torch.long), 1),
            "float64": m.global_mean_pool(x.double() * 3, torch.tensor([1, 0, 1, 0, 1, 1]), 2),
            "7 graphs, 3 nodes": m.global_mean_pool(torch.randn(3, 2, generator=g),
                                                    torch.tensor([5, 1, 5]), 7)}


@probe(rtol=1e-6, atol=1e-7)
def pool_gradient(m):
    "the gradient of sum(pool(x) * w) with respect to x (each node gets w[its graph] / graph size)"
    x = _randn(8, 3, seed=43, requires_grad=True)
    batch = torch.tensor([2, 0, 2, 2, 0, 1, 2, 0])
    out = m.global_mean_pool(x, batch, 4)
    (out * _randn(4, 3, seed=44)).sum().backward()
    return x.grad


def _readout_judge(got, ref):
    why = compare(got["graphs"], ref["graphs"], rtol=1e-5, atol=1e-6, path="graph vectors")
    if why:
        return why
    why = compare(got["shuffled"], ref["shuffled"], rtol=1e-5, atol=1e-6)
    if why:
        return f"shuffling the node order of the batch changed the graph vectors: {why}"
    return None


@probe(judge=_readout_judge)
def gat_then_pool(m):
    "a batch of 3 graphs (4, 7 and 5 nodes): elu(GATLayer) then global_mean_pool, also with the nodes shuffled"
    sizes, parts, batch, start = (4, 7, 5), [], [], 0
    for gi, n in enumerate(sizes):
        ei = _digraph(n, 2 * n, seed=50 + gi) + start
        parts.append(torch.cat([ei, ei.flip(0)], dim=1))  # undirected: both directions
        batch.append(torch.full((n,), gi))
        start += n
    ei, batch = torch.cat(parts, dim=1), torch.cat(batch)
    x = _randn(start, 5, seed=53)
    layer = _layer(m, 5, 4, 2, seed=54)
    perm = torch.randperm(start, generator=torch.Generator().manual_seed(55))
    x_new = torch.empty_like(x)
    x_new[perm] = x
    b_new = torch.empty_like(batch)
    b_new[perm] = batch
    with torch.no_grad():
        graphs = m.global_mean_pool(torch.nn.functional.elu(layer(x, ei)), batch, 3)
        shuffled = m.global_mean_pool(torch.nn.functional.elu(layer(x_new, perm[ei])), b_new, 3)
    return {"graphs": graphs, "shuffled": shuffled}
