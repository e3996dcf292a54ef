"""Heads are averaged even when concat=True (the output has out_features columns instead of heads * out_features)."""

import torch
import torch.nn.functional as F
from torch import nn


class GATLayer(nn.Module):
    """Multi-head graph attention: (N, in_features) -> (N, heads * out) or (N, out)."""

    def __init__(self, in_features: int, out_features: int, heads: int = 1,
                 concat: bool = True, negative_slope: float = 0.2) -> None:
        super().__init__()
        self.heads, self.out_features = heads, out_features
        self.concat, self.negative_slope = concat, negative_slope
        self.W = nn.Linear(in_features, heads * out_features, bias=False)  # all heads at once
        self.att_src = nn.Parameter(torch.empty(heads, out_features))  # scores a neighbour j
        self.att_dst = nn.Parameter(torch.empty(heads, out_features))  # scores the target i
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        n, heads = x.shape[0], self.heads
        h = self.W(x).view(n, heads, self.out_features)  # (N, H, F): head k = columns k*F..
        # mask[i, j] is True when i attends to j: an edge j -> i, or j == i (the self loop).
        # Assigning True makes duplicate edges and given self loops count once.
        mask = torch.zeros(n, n, dtype=torch.bool, device=x.device)
        mask[edge_index[1], edge_index[0]] = True
        mask.fill_diagonal_(True)
        # The score splits into a part for the neighbour and a part for the target.
        s_src = (h * self.att_src).sum(dim=-1).T  # (H, N) a_src . Wh_j
        s_dst = (h * self.att_dst).sum(dim=-1).T  # (H, N) a_dst . Wh_i
        e = F.leaky_relu(s_dst[:, :, None] + s_src[:, None, :], self.negative_slope)  # (H, Ni, Nj)
        # Softmax over j (the last axis), among i's neighbours only; every row has its self loop,
        # so no row is all -inf.
        alpha = torch.softmax(e.masked_fill(~mask, float("-inf")), dim=-1)  # (H, N, N)
        out = (alpha @ h.transpose(0, 1)).transpose(0, 1)  # (N, H, F) sum_j alpha_ij Wh_j
        return out.mean(dim=1)


def global_mean_pool(x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
    """Mean of the rows of x per graph: (N, F) with graph ids (N,) -> (num_graphs, F)."""
    sums = x.new_zeros(num_graphs, x.shape[1]).index_add(0, batch, x)  # (G, F)
    counts = torch.bincount(batch, minlength=num_graphs).to(x.dtype)  # (G,)
    # An empty graph has sum 0 and count 0: divide by 1 there, so its row stays 0 (not nan).
    return sums / counts.clamp(min=1)[:, None]  # (G, F)
