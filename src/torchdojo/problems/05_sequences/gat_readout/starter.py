"""A graph attention layer (GAT) and a mean-pooling readout, in plain torch."""

import torch
import torch.nn.functional as F  # noqa: F401 - you will want F.leaky_relu
from torch import nn


class GATLayer(nn.Module):
    """Multi-head graph attention: (N, in_features) -> (N, heads * out) or (N, out)."""

    def __init__(self, in_features: int, out_features: int, heads: int = 1,
                 concat: bool = True, negative_slope: float = 0.2) -> None:
        super().__init__()
        # TODO: self.W = nn.Linear(in_features, heads * out_features, bias=False)
        # TODO: self.att_src and self.att_dst: nn.Parameter of shape (heads, out_features)
        raise NotImplementedError

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        # TODO: h = W(x) viewed as (N, heads, out_features)
        # TODO: scores e_ij = LeakyReLU(att_src . h_j + att_dst . h_i) for j -> i edges and
        #       the self loops; softmax over each node's neighbourhood only
        # TODO: weighted sum of h_j; concatenate the heads or average them
        raise NotImplementedError


def global_mean_pool(x: torch.Tensor, batch: torch.Tensor, num_graphs: int) -> torch.Tensor:
    """Mean of the rows of x per graph: (N, F) with graph ids (N,) -> (num_graphs, F)."""
    # TODO: sum the rows of each graph, divide by its node count (an empty graph gives zeros)
    raise NotImplementedError
