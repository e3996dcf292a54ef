"""A linear-chain CRF in plain torch: forward algorithm, path scores, NLL and Viterbi."""

import torch  # noqa: F401
from torch import Tensor, nn


class CRF(nn.Module):
    def __init__(self, num_tags: int, batch_first: bool = True) -> None:
        super().__init__()
        self.num_tags = num_tags
        self.batch_first = batch_first
        # TODO: three nn.Parameters: start_transitions (K,), end_transitions (K,) and
        #       transitions (K, K), where transitions[i, j] scores moving from tag i to tag j

    def log_partition(self, emissions: Tensor, mask: Tensor | None = None) -> Tensor:
        """log Z of every sequence, (B,), by the forward algorithm in log space."""
        # TODO: time-major inputs when not batch_first; mask=None means every step is real
        # TODO: alpha = start + emissions[:, 0]; at every real step a logsumexp over the
        #       previous tag; a padded step carries alpha over; finish with end_transitions
        raise NotImplementedError

    def score(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None) -> Tensor:
        """The unnormalised score of the given tag paths, (B,)."""
        # TODO: start + emissions of the tags + transitions between consecutive real tags
        #       + end of the last real tag
        raise NotImplementedError

    def neg_log_likelihood(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None,
                           reduction: str = "mean") -> Tensor:
        """log Z - score, reduced with 'mean' (over sequences), 'sum' or 'none'."""
        # TODO: ValueError for any other reduction
        raise NotImplementedError

    def viterbi_decode(self, emissions: Tensor, mask: Tensor | None = None) -> list[list[int]]:
        """The best tag path of every sequence, as lists of ints of the real lengths."""
        # TODO: the forward recursion with max and back-pointers, then walk back from the
        #       best last tag of every sequence
        raise NotImplementedError
