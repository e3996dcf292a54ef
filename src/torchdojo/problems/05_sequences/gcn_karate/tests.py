"""Probes for gcn_karate. The normalised adjacency (dense and sparse) on the karate club and on
small graphs that exercise each rule of the statement (one direction given, duplicates, explicit
self loops, isolated nodes, no edges, add_self_loops=False), the sparse tensor on a graph too
large for a dense matrix, GCNLayer/GCN with weights made and loaded strictly by the probe
(outputs with dense and sparse adjacency, gradients, one SGD step, train-mode dropout under a
seed), permutation equivariance, and a short semi-supervised training run on the karate club.

The adjacency handed to the layers is built here (an input, from the probe's own code), so a
wrong normalized_adjacency does not also fail the layer probes."""

import torch
import torch.nn.functional as F

from torchdojo.probes import compare, probe

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _karate() -> tuple[torch.Tensor, torch.Tensor]:
    """The karate club's edges (each undirected edge once, as networkx lists them) and the
    faction of each member (0: Mr. Hi, 1: Officer)."""
    import networkx as nx

    g = nx.karate_club_graph()
    edges = torch.tensor(sorted(g.edges()), dtype=torch.long).T  # (2, 78)
    y = torch.tensor([0 if g.nodes[i]["club"] == "Mr. Hi" else 1 for i in range(34)])
    return edges, y


def _graphs() -> dict[str, tuple[torch.Tensor, int, bool]]:
    """Small graphs, each testing one rule: name -> (edge_index, num_nodes, add_self_loops)."""
    gen = torch.Generator().manual_seed(11)
    rand = torch.randint(0, 9, (2, 14), generator=gen)
    rand = rand[:, rand[0] != rand[1]]  # no self loops in this one
    path = torch.tensor([[0, 1, 2], [1, 2, 3]])
    return {
        "path 0-1-2-3 plus isolated node 4": (path, 5, True),
        "same path given in both directions": (torch.cat([path, path.flip(0)], dim=1), 5, True),
        "duplicates, reversed duplicates and an explicit self loop (2, 2)":
            (torch.tensor([[0, 1, 0, 1, 2, 2, 3], [1, 0, 1, 2, 1, 2, 1]]), 4, True),
        "no edges at all": (torch.zeros(2, 0, dtype=torch.long), 3, True),
        "add_self_loops=False, node 4 isolated (degree 0)": (path, 5, False),
        "add_self_loops=False, an explicit self loop (1, 1)":
            (torch.tensor([[0, 1, 1], [1, 1, 2]]), 3, False),
        "seeded random graph on 9 nodes": (rand, 9, True),
    }


def _dense_obs(t) -> object:
    if not isinstance(t, torch.Tensor):
        return {"type": type(t).__name__}
    if t.layout != torch.strided:
        return {"layout": str(t.layout)}
    return t.detach().clone()


def _dense_judge(got, ref):
    for name, r in ref.items():
        g = got[name]
        if not isinstance(g, torch.Tensor):
            return f"{name}: expected a dense float32 tensor, got {g}"
        if tuple(g.shape) != tuple(r.shape):
            return f"{name}: shape {tuple(g.shape)}, expected {tuple(r.shape)}"
        if g.dtype != torch.float32:
            return f"{name}: dtype {g.dtype}, expected torch.float32"
        if g.is_floating_point() and not bool(torch.isfinite(g).all()):
            return f"{name}: the matrix has inf/nan entries (a degree-0 node must give zeros)"
        why = compare(g, r, **TOL)
        if why:
            return f"{name}: {why}"
    return None


@probe(public=True, judge=_dense_judge)
def dense_karate(m):
    "normalized_adjacency on the karate club (each edge listed once): the (34, 34) matrix"
    edges, _ = _karate()
    return {"karate club": _dense_obs(m.normalized_adjacency(edges, 34))}


@probe(judge=_dense_judge)
def dense_small_graphs(m):
    "normalized_adjacency on small graphs: both directions, duplicates, self loops, isolated nodes, no edges, add_self_loops=False"
    return {name: _dense_obs(m.normalized_adjacency(ei, n, add_self_loops=loops))
            for name, (ei, n, loops) in _graphs().items()}


@probe(judge=_dense_judge)
def dense_directed_input(m):
    "edges given one way (i < j), the other way (i > j) and both ways give the same symmetric matrix"
    edges, _ = _karate()
    return {"karate, edges i < j": _dense_obs(m.normalized_adjacency(edges, 34)),
            "karate, edges i > j": _dense_obs(m.normalized_adjacency(edges.flip(0), 34)),
            "karate, both ways": _dense_obs(
                m.normalized_adjacency(torch.cat([edges, edges.flip(0)], dim=1), 34))}


def _sparse_obs(t) -> dict:
    """What the sparse result is, and its contents when it is a coalesced sparse COO tensor."""
    if not isinstance(t, torch.Tensor):
        return {"kind": type(t).__name__}
    obs = {"kind": str(t.layout), "shape": tuple(t.shape), "dtype": str(t.dtype)}
    if t.layout != torch.sparse_coo:
        return obs
    obs["coalesced"] = bool(t.is_coalesced())
    if obs["coalesced"]:
        obs["indices"] = t.indices().clone()
        obs["values"] = t.values().detach().clone()
    return obs


def _sparse_one(name: str, g: dict, r: dict) -> str | None:
    if g["kind"] != "torch.sparse_coo":
        return f"{name}: expected a torch.sparse_coo tensor, got {g['kind']}"
    if g["shape"] != r["shape"]:
        return f"{name}: shape {g['shape']}, expected {r['shape']}"
    if g["dtype"] != "torch.float32":
        return f"{name}: dtype {g['dtype']}, expected torch.float32"
    if not g["coalesced"]:
        return (f"{name}: the sparse tensor is not coalesced (is_coalesced() is False); "
                "return it coalesced")
    gi, ri = g["indices"], r["indices"]
    if gi.shape != ri.shape or not torch.equal(gi, ri):
        return (f"{name}: the tensor holds {gi.shape[-1]} entries at indices that differ from "
                f"the {ri.shape[-1]} non-zeros of A_hat (explicit zeros, a missing self loop, "
                "an edge in one direction only?)")
    why = compare(g["values"], r["values"], **TOL)
    return f"{name}: values: {why}" if why else None


def _sparse_judge(got, ref):
    for name, r in ref.items():
        why = _sparse_one(name, got[name], r)
        if why:
            return why
    return None


@probe(public=True, judge=_sparse_judge)
def sparse_karate(m):
    "normalized_adjacency_sparse on the karate club: a coalesced float32 sparse COO tensor, its indices and values"
    edges, _ = _karate()
    return {"karate club": _sparse_obs(m.normalized_adjacency_sparse(edges, 34))}


@probe(judge=_sparse_judge)
def sparse_small_graphs(m):
    "normalized_adjacency_sparse on the small graphs (both directions, duplicates, self loops, isolated nodes, no edges, add_self_loops=False)"
    return {name: _sparse_obs(m.normalized_adjacency_sparse(ei, n, add_self_loops=loops))
            for name, (ei, n, loops) in _graphs().items()}


def _large_judge(got, ref):
    if got["kind"] != "torch.sparse_coo":
        return f"expected a torch.sparse_coo tensor, got {got['kind']}"
    for key in ("shape", "coalesced", "nnz"):
        if got[key] != ref[key]:
            return f"400 000-node graph: {key} is {got[key]}, expected {ref[key]}"
    return compare(got["sample"], ref["sample"], **TOL, path="400 000-node graph")


@probe(judge=_large_judge)
def sparse_large_graph(m):
    "normalized_adjacency_sparse on a 400 000-node graph with 3000 edges, in O(N + E) memory: nnz, coalesced, the entries of the edges"
    n = 400_000
    gen = torch.Generator().manual_seed(12)
    edges = torch.randint(0, n, (2, 3000), generator=gen)
    t = m.normalized_adjacency_sparse(edges, n)
    if not isinstance(t, torch.Tensor) or t.layout != torch.sparse_coo:
        return {"kind": str(getattr(t, "layout", type(t).__name__))}
    obs = {"kind": str(t.layout), "shape": tuple(t.shape), "coalesced": bool(t.is_coalesced()),
           "nnz": int(t._nnz())}
    # the entries at the first 200 edges (both directions) and on a few diagonal positions
    c = t.coalesce()
    keys = c.indices()[0] * n + c.indices()[1]  # sorted, unique
    want = torch.cat([edges[0, :200] * n + edges[1, :200], edges[1, :200] * n + edges[0, :200],
                      torch.arange(0, n, 40_000) * (n + 1)])
    if len(keys) == 0:
        obs["sample"] = torch.zeros(len(want))
        return obs
    pos = torch.searchsorted(keys, want).clamp(max=len(keys) - 1)
    obs["sample"] = torch.where(keys[pos] == want, c.values()[pos].float(), 0.0)
    return obs


# ---------------------------------------------------------------- the layer and the network

def _adjacency(edge_index: torch.Tensor, n: int) -> torch.Tensor:
    """The probe's own A_hat (an input for the layer probes), dense."""
    a = torch.zeros(n, n)
    a[edge_index[0], edge_index[1]] = 1.0
    a[edge_index[1], edge_index[0]] = 1.0
    a.fill_diagonal_(1.0)
    d = a.sum(dim=1).rsqrt()
    return d[:, None] * a * d[None, :]


def _graph(n: int, e: int, seed: int) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    ei = torch.randint(0, n, (2, e), generator=gen)
    return ei[:, ei[0] != ei[1]]


def _randn(*shape: int, seed: int, **kw) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), **kw)


def _spec(i: int, h: int, c: int) -> dict[str, tuple[int, ...]]:
    return {"conv1.linear.weight": (h, i), "conv1.bias": (h,),
            "conv2.linear.weight": (c, h), "conv2.bias": (c,)}


def _gcn(m, i: int, h: int, c: int, seed: int, dropout: float = 0.5):
    """The learner's GCN with seeded weights loaded strictly (a wrong structure raises)."""
    g = torch.Generator().manual_seed(seed)
    sd = {k: torch.randn(s, generator=g) * 0.5 for k, s in _spec(i, h, c).items()}
    model = m.GCN(i, h, c, dropout=dropout)
    model.load_state_dict(sd, strict=True)
    return model


def _structure_judge(got, ref):
    missing = sorted(set(ref) - set(got))
    extra = sorted(set(got) - set(ref))
    if missing or extra:
        return (f"state_dict keys differ: missing {missing}, unexpected {extra}; expected "
                f"exactly {sorted(ref)}")
    for k, s in ref.items():
        if got[k] != s:
            return f"{k} has shape {got[k]}, expected {s}"
    return None


@probe(judge=_structure_judge)
def structure(m):
    "GCN(7, 5, 3) and GCNLayer(4, 6): state_dict keys and shapes"
    torch.manual_seed(0)
    out = {f"GCN.{k}": tuple(v.shape) for k, v in m.GCN(7, 5, 3).state_dict().items()}
    out |= {f"GCNLayer.{k}": tuple(v.shape) for k, v in m.GCNLayer(4, 6).state_dict().items()}
    return out


@probe(rtol=1e-5, atol=1e-6)
def layer_dense_and_sparse(m):
    "GCNLayer(5, 4) with loaded weights on a 9-node graph: output with a dense and with a sparse A_hat"
    gen = torch.Generator().manual_seed(13)
    layer = m.GCNLayer(5, 4)
    layer.load_state_dict({"linear.weight": torch.randn(4, 5, generator=gen),
                           "bias": torch.randn(4, generator=gen)}, strict=True)
    adj = _adjacency(_graph(9, 16, seed=14), 9)
    x = _randn(9, 5, seed=15)
    with torch.no_grad():
        return {"dense": layer(x, adj), "sparse": layer(x, adj.to_sparse())}


@probe(public=True, rtol=1e-5, atol=1e-6)
def gcn_loaded_output(m):
    "GCN(6, 8, 3) with loaded weights, eval mode, on a 10-node graph: the logits"
    model = _gcn(m, 6, 8, 3, seed=1).eval()
    adj = _adjacency(_graph(10, 18, seed=2), 10)
    with torch.no_grad():
        return model(_randn(10, 6, seed=3), adj)


def _grads_judge(got, ref):
    for name in ref:
        if got.get(name) is None:
            return f"{name} has no gradient after backward"
        why = compare(got[name], ref[name], rtol=1e-5, atol=1e-6)
        if why:
            return f"gradient of {name}: {why}"
    return None


def _backward(m, seed: int):
    model = _gcn(m, 6, 8, 3, seed=seed).eval()
    adj = _adjacency(_graph(10, 18, seed=seed + 1), 10)
    x = _randn(10, 6, seed=seed + 2, requires_grad=True)
    (model(x, adj.to_sparse()) * _randn(10, 3, seed=seed + 3)).sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    grads["input"] = x.grad
    return model, grads


@probe(judge=_grads_judge)
def gcn_gradients(m):
    "loaded weights, sparse A_hat, a seeded loss sum(out * w): the gradient of every parameter and of the input"
    return _backward(m, seed=7)[1]


@probe(rtol=1e-5, atol=1e-6)
def gcn_sgd_step(m):
    "loaded weights, the same kind of loss, one torch.optim.SGD(lr=0.1) step: the parameters afterwards"
    model, _ = _backward(m, seed=8)
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return {n: p.detach().clone() for n, p in model.named_parameters()}


def _dropout_judge(got, ref):
    why = compare(got["eval"], ref["eval"], **TOL)
    if why:
        return f"the eval-mode logits are wrong: {why}"
    if compare(got["train_p0"], ref["eval"], **TOL):
        return "with dropout=0.0, train mode must give the eval-mode logits"
    why = compare(got["train"], ref["train"], **TOL)
    if why:
        return ("train mode with dropout=0.5 under torch.manual_seed(5): the logits differ; "
                f"apply dropout once, on the hidden layer after the ReLU ({why})")
    return None


@probe(judge=_dropout_judge)
def gcn_train_mode_dropout(m):
    "train mode: dropout (p=0.5) on the hidden layer only, seeded; dropout=0.0 changes nothing"
    adj = _adjacency(_graph(10, 18, seed=20), 10)
    x = _randn(10, 6, seed=21)
    with torch.no_grad():
        out = {"eval": _gcn(m, 6, 8, 3, seed=22).eval()(x, adj)}
        torch.manual_seed(5)
        out["train"] = _gcn(m, 6, 8, 3, seed=22).train()(x, adj)
        out["train_p0"] = _gcn(m, 6, 8, 3, seed=22, dropout=0.0).train()(x, adj)
    return out


def _perm_judge(got, ref):
    why = compare(got["original"], ref["original"], **TOL, path="original labels")
    if why:
        return why
    why = compare(got["relabelled"], ref["relabelled"], **TOL, path="relabelled")
    if why and compare(got["relabelled"][ref["perm"]], got["original"], rtol=1e-4,
                       atol=1e-5) is not None:
        return ("relabelling the nodes did not relabel the outputs: out_relabelled[perm] should "
                "equal out_original (is A_hat built from the edges alone, not the node order?)")
    return why


@probe(judge=_perm_judge)
def permutation_equivariance(m):
    "relabel the karate club's nodes (edges and features): GCN logits with your own A_hat are relabelled the same way"
    edges, _ = _karate()
    perm = torch.randperm(34, generator=torch.Generator().manual_seed(30))  # old i -> new perm[i]
    x = _randn(34, 5, seed=31)
    x_new = torch.empty_like(x)
    x_new[perm] = x
    model = _gcn(m, 5, 8, 2, seed=32).eval()
    with torch.no_grad():
        out = model(x, m.normalized_adjacency(edges, 34))
        out_new = model(x_new, m.normalized_adjacency(perm[edges], 34))
    return {"perm": perm, "original": out, "relabelled": out_new}


LABELLED = [0, 1, 32, 33]  # two members of each faction: Mr. Hi's side (0, 1), the Officer's (32, 33)


def _train_judge(got, ref):
    acc = got["accuracy"]
    if not isinstance(acc, float):
        return f"could not measure the accuracy (got {type(acc).__name__})"
    if not got["finite"]:
        return "the training loss became NaN or infinite"
    if acc < 0.85:
        return (f"after 50 Adam steps the accuracy on the 30 unlabelled members is {acc:.1%}, "
                f"below 85% (the reference reaches {ref['accuracy']:.1%}); loss {got['loss']:.3f}")
    return None


@probe(judge=_train_judge)
def trains_on_karate(m):
    "GCN(34, 16, 2) on the karate club, one-hot features, 4 labelled members, 50 Adam steps: >= 85% accuracy on the other 30"
    edges, y = _karate()
    adj = m.normalized_adjacency(edges, 34)
    x = torch.eye(34)
    train = torch.tensor(LABELLED)
    test = torch.tensor([i for i in range(34) if i not in LABELLED])
    torch.manual_seed(0)
    model = m.GCN(34, 16, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    loss = torch.tensor(float("nan"))
    for _ in range(50):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x, adj)[train], y[train])
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x, adj).argmax(dim=1)[test] == y[test]).float().mean().item()
    return {"accuracy": float(acc), "loss": float(loss.item()),
            "finite": bool(torch.isfinite(loss).item())}
