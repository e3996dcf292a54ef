"""Binary cross-entropy on logits, written stably, and KL divergence with "batchmean"."""

import torch


def bce_with_logits(
    logits: torch.Tensor,
    target: torch.Tensor,
    pos_weight: torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Binary cross-entropy of logits against targets in [0, 1] of the same shape."""
    # TODO: ValueError for a bad reduction or for target.shape != logits.shape
    # TODO: -log(sigmoid(x)) and -log(1 - sigmoid(x)) without overflow (log1p, exp(-|x|)),
    #       with a gradient of sigmoid(x) - y also at x == 0
    # TODO: pos_weight multiplies the positive term only
    # TODO: reduce ("none", "sum", "mean")
    p = torch.sigmoid(logits)
    loss = -(target * torch.log(p) + (1 - target) * torch.log(1 - p))
    return loss.mean()


def kl_div_batchmean(logp: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """KL(q || p) summed over all elements and divided by the batch size logp.shape[0]."""
    # TODO: q * (log q - logp), 0 where q == 0, summed and divided by the batch size
    raise NotImplementedError
