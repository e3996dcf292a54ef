"""A BiLSTM-CRF tagger: embeddings, a packed bidirectional LSTM, emissions and a CRF."""

import torch  # noqa: F401
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: F401


class CRF(nn.Module):
    """The linear-chain CRF of the problem linear_chain_crf (same names, same API)."""

    def __init__(self, num_tags: int, batch_first: bool = True) -> None:
        super().__init__()
        self.num_tags = num_tags
        self.batch_first = batch_first
        # TODO: nn.Parameters start_transitions (K,), end_transitions (K,), transitions (K, K)

    def log_partition(self, emissions: Tensor, mask: Tensor | None = None) -> Tensor:
        # TODO: the forward algorithm with logsumexp; padded steps carry alpha over
        raise NotImplementedError

    def score(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None) -> Tensor:
        # TODO: start + emissions + transitions of the real steps + end of the last real tag
        raise NotImplementedError

    def neg_log_likelihood(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None,
                           reduction: str = "mean") -> Tensor:
        # TODO: log_partition - score, reduced ('mean', 'sum', 'none'; else ValueError)
        raise NotImplementedError

    def viterbi_decode(self, emissions: Tensor, mask: Tensor | None = None) -> list[list[int]]:
        # TODO: max-plus recursion with back-pointers, walk back per sequence
        raise NotImplementedError


class BiLSTMCRF(nn.Module):
    def __init__(self, vocab_size: int, embed_dim: int, hidden: int, num_tags: int,
                 pad_idx: int = 0) -> None:
        super().__init__()
        # TODO: self.embed, self.lstm (bidirectional, batch_first), self.hidden2tag, self.crf

    def forward(self, tokens: Tensor, mask: Tensor) -> Tensor:
        """Emissions (B, T, num_tags); the LSTM must read the real tokens only."""
        # TODO: embed, pack with the lengths (enforce_sorted=False), LSTM, unpack to T steps,
        #       hidden2tag
        raise NotImplementedError

    def loss(self, tokens: Tensor, tags: Tensor, mask: Tensor) -> Tensor:
        """Mean negative log-likelihood of the gold tags over the batch (0-d)."""
        # TODO
        raise NotImplementedError

    def decode(self, tokens: Tensor, mask: Tensor) -> list[list[int]]:
        """The best tag path of every sentence, of its real length."""
        # TODO
        raise NotImplementedError
