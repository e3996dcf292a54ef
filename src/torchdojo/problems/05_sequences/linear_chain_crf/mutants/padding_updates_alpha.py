"""The forward algorithm runs through padded steps instead of carrying alpha over them, so
padding changes log Z (score and decoding still honour the mask)."""

import torch
from torch import Tensor, nn


class CRF(nn.Module):
    def __init__(self, num_tags: int, batch_first: bool = True) -> None:
        super().__init__()
        self.num_tags = num_tags
        self.batch_first = batch_first
        # transitions[i, j] is the score of moving from tag i to tag j
        self.start_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.end_transitions = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))

    def _batch_major(self, emissions: Tensor, mask: Tensor | None,
                     tags: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor | None]:
        """Everything as (B, T, ...); a missing mask means every step is real."""
        if not self.batch_first:
            emissions = emissions.transpose(0, 1)
            mask = None if mask is None else mask.transpose(0, 1)
            tags = None if tags is None else tags.transpose(0, 1)
        if mask is None:
            mask = torch.ones(emissions.shape[:2], dtype=torch.bool, device=emissions.device)
        return emissions, mask.bool(), tags

    def log_partition(self, emissions: Tensor, mask: Tensor | None = None) -> Tensor:
        """log Z for every sequence by the forward algorithm: (B,)."""
        emissions, mask, _ = self._batch_major(emissions, mask)  # (B, T, K), (B, T)
        # alpha[b, j]: log-sum-exp of the scores of all prefixes ending in tag j
        alpha = self.start_transitions + emissions[:, 0]  # (B, K)
        for t in range(1, emissions.shape[1]):
            # (B, K, 1) + (K, K) + (B, 1, K): from tag i (dim 1) to tag j (dim 2)
            step = alpha.unsqueeze(2) + self.transitions + emissions[:, t].unsqueeze(1)
            nxt = torch.logsumexp(step, dim=1)  # (B, K)
            # a padded step carries alpha over unchanged
            alpha = nxt  # (bug: padding updates alpha too)
        return torch.logsumexp(alpha + self.end_transitions, dim=1)  # (B,)

    def score(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None) -> Tensor:
        """The unnormalised score of the given tag paths: (B,)."""
        emissions, mask, tags = self._batch_major(emissions, mask, tags)
        emit = emissions.gather(2, tags.unsqueeze(2)).squeeze(2)  # (B, T) score of each tag
        trans = self.transitions[tags[:, :-1], tags[:, 1:]]  # (B, T-1) previous -> current
        steps = torch.where(mask[:, 1:], emit[:, 1:] + trans, torch.zeros_like(trans))
        lengths = mask.sum(dim=1)  # (B,) real steps; the first one is always real
        last = tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)  # (B,) last real tag
        return (self.start_transitions[tags[:, 0]] + emit[:, 0] + steps.sum(dim=1)
                + self.end_transitions[last])

    def neg_log_likelihood(self, emissions: Tensor, tags: Tensor, mask: Tensor | None = None,
                           reduction: str = "mean") -> Tensor:
        """-log p(tags | emissions) = log Z - score, reduced over the batch."""
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        nll = self.log_partition(emissions, mask) - self.score(emissions, tags, mask)  # (B,)
        if reduction == "none":
            return nll
        return nll.sum() if reduction == "sum" else nll.mean()

    @torch.no_grad()
    def viterbi_decode(self, emissions: Tensor, mask: Tensor | None = None) -> list[list[int]]:
        """The highest-scoring tag path of every sequence, of its real length."""
        emissions, mask, _ = self._batch_major(emissions, mask)  # (B, T, K), (B, T)
        best = self.start_transitions + emissions[:, 0]  # (B, K) best prefix ending in j
        pointers = []
        for t in range(1, emissions.shape[1]):
            cand = best.unsqueeze(2) + self.transitions  # (B, K, K) from i to j
            top, prev = cand.max(dim=1)  # (B, K): best previous tag for every j
            pointers.append(prev)
            best = torch.where(mask[:, t].unsqueeze(1), top + emissions[:, t], best)
        last = (best + self.end_transitions).argmax(dim=1).tolist()  # (B,) best final tag
        back = torch.stack(pointers, dim=1).tolist() if pointers else []  # (B, T-1, K)
        paths = []
        for b, length in enumerate(mask.sum(dim=1).tolist()):
            path = [last[b]]
            # pointers[t - 1] maps the tag at step t to the best tag at step t - 1
            for t in range(length - 1, 0, -1):
                path.append(back[b][t - 1][path[-1]])
            paths.append(path[::-1])
        return paths
