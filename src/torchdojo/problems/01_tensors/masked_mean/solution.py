"""Mean over the real (unpadded) positions of each sequence in a batch.

``mask[b, s]`` is True where position ``s`` of sequence ``b`` is real. Padding never enters the
result, whatever it holds, and a sequence with no real position averages to 0.
"""

import torch


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x[b, s, :]`` over the ``s`` where ``mask[b, s]`` is True; 0 for empty rows."""
    # broadcast the mask over the feature dim
    keep = mask.unsqueeze(-1)  # (B, S, 1)
    # zero the padding with where (NaN * 0 would stay NaN), then sum over positions
    total = torch.where(keep, x, 0).sum(dim=1)  # (B, D)
    # number of real positions per row; at least 1 so an empty row gives 0 / 1 = 0
    count = mask.sum(dim=1, keepdim=True).clamp_min(1).to(x.dtype)  # (B, 1)
    return total / count  # (B, D)
