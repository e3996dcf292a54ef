"""An index slip in the sparse path only: values d[row] * d[row] instead of d[row] * d[col] (the dense matrix is right)."""

import torch
import torch.nn.functional as F
from torch import nn


def _edges(edge_index: torch.Tensor, num_nodes: int, add_self_loops: bool
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """The distinct (row, col) pairs of the symmetric adjacency, sorted row-major."""
    src, dst = edge_index[0].long(), edge_index[1].long()  # (E,), (E,)
    rows, cols = [src, dst], [dst, src]  # both directions: the graph is undirected
    if add_self_loops:
        loops = torch.arange(num_nodes, device=edge_index.device)
        rows.append(loops)
        cols.append(loops)
    # One key per entry; unique() drops duplicates (an edge given twice, or in both
    # directions, or a self loop already present) and sorts row-major.
    key = torch.unique(torch.cat(rows) * num_nodes + torch.cat(cols))  # (nnz,)
    return key // num_nodes, key % num_nodes


def _inv_sqrt(deg: torch.Tensor) -> torch.Tensor:
    """deg^-1/2, with 0 for a node of degree 0 (isolated, no self loop) instead of inf."""
    return torch.where(deg > 0, deg.clamp(min=1).rsqrt(), torch.zeros_like(deg))


def normalized_adjacency(edge_index: torch.Tensor, num_nodes: int,
                         add_self_loops: bool = True) -> torch.Tensor:
    """Dense D^-1/2 (A + I) D^-1/2 of shape (num_nodes, num_nodes), float32."""
    row, col = _edges(edge_index, num_nodes, add_self_loops)
    a = torch.zeros(num_nodes, num_nodes, device=edge_index.device)  # (N, N)
    a[row, col] = 1.0  # 0/1 entries: assignment, not accumulation
    d = _inv_sqrt(a.sum(dim=1))  # (N,) degrees of A + I
    return d[:, None] * a * d[None, :]  # (N, N) scale row i by d_i, column j by d_j


def normalized_adjacency_sparse(edge_index: torch.Tensor, num_nodes: int,
                                add_self_loops: bool = True) -> torch.Tensor:
    """The same matrix as a coalesced torch.sparse_coo_tensor, built in O(N + E) memory."""
    row, col = _edges(edge_index, num_nodes, add_self_loops)  # (nnz,), (nnz,)
    deg = torch.bincount(row, minlength=num_nodes).float()  # (N,) entries per row
    d = _inv_sqrt(deg)
    values = d[row] * d[row]  # (nnz,)
    # check_invariants=True: torch validates the indices (and does not warn that it skipped it)
    adj = torch.sparse_coo_tensor(torch.stack([row, col]), values, (num_nodes, num_nodes),
                                  check_invariants=True)
    return adj.coalesce()  # already sorted and unique; coalesce() records it


class GCNLayer(nn.Module):
    """H' = A_hat H W + b: transform every node, then average over the neighbourhood."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        self.linear = nn.Linear(in_features, out_features, bias=False)  # W
        self.bias = nn.Parameter(torch.zeros(out_features))  # added after aggregation

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        h = self.linear(x)  # (N, out)
        return adj @ h + self.bias  # (N, out); adj may be dense or sparse


class GCN(nn.Module):
    """conv1 -> ReLU -> dropout -> conv2, returning per-node logits."""

    def __init__(self, in_features: int, hidden: int, num_classes: int,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.conv1 = GCNLayer(in_features, hidden)
        self.conv2 = GCNLayer(hidden, num_classes)
        self.dropout = dropout

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.conv1(x, adj))  # (N, hidden)
        h = F.dropout(h, self.dropout, self.training)  # only in train mode
        return self.conv2(h, adj)  # (N, num_classes) logits, no activation
