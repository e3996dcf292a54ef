"""A two-layer graph convolutional network written with plain torch."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.relu and F.dropout
from torch import nn


def normalized_adjacency(edge_index: torch.Tensor, num_nodes: int,
                         add_self_loops: bool = True) -> torch.Tensor:
    """Dense D^-1/2 (A + I) D^-1/2 of shape (num_nodes, num_nodes), float32.

    edge_index: (2, E) int64, undirected edges (one direction or both may be listed).
    """
    # TODO: build the 0/1 matrix A (both directions, duplicates counted once) and set the
    #       diagonal to 1 when add_self_loops is True
    # TODO: degrees = row sums; scale entry (i, j) by 1/sqrt(d_i d_j), with 0 where d = 0
    raise NotImplementedError


def normalized_adjacency_sparse(edge_index: torch.Tensor, num_nodes: int,
                                add_self_loops: bool = True) -> torch.Tensor:
    """The same matrix as a coalesced torch.sparse_coo_tensor, in O(N + E) memory."""
    # TODO: list the distinct (row, col) pairs from the edges (never an N x N dense tensor)
    # TODO: degrees from the pairs, values 1/sqrt(d_row d_col), return a coalesced COO tensor
    raise NotImplementedError


class GCNLayer(nn.Module):
    """H' = A_hat H W + b."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        # TODO: self.linear (nn.Linear without bias) and self.bias (an nn.Parameter of zeros)
        raise NotImplementedError

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        # TODO: transform the features, aggregate with adj (dense or sparse), add the bias
        raise NotImplementedError


class GCN(nn.Module):
    """conv1 -> ReLU -> dropout -> conv2, returning per-node logits."""

    def __init__(self, in_features: int, hidden: int, num_classes: int,
                 dropout: float = 0.5) -> None:
        super().__init__()
        # TODO: self.conv1, self.conv2 (GCNLayer) and the dropout probability
        raise NotImplementedError

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        # TODO: relu(conv1), dropout in train mode only, conv2; return logits
        raise NotImplementedError
