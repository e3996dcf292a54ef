"""Mean over the real (unpadded) positions of each sequence in a batch."""

import torch


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x[b, s, :]`` over the ``s`` where ``mask[b, s]`` is True; 0 for empty rows."""
    # TODO: sum only the positions where mask is True (padding may hold NaN)
    # TODO: divide by the number of real positions of each row, never by 0
    return x.mean(dim=1)
