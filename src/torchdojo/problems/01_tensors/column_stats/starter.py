"""Per-column mean and standard deviation of a 2-D tensor."""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and std of every column of ``x`` (N, M): two tensors of shape (M,).

    ``unbiased=True`` divides by N - 1 (Bessel's correction), ``False`` by N.
    """
    # TODO: reduce over the right dimension, and honour `unbiased`
    return x.mean(), x.std()
