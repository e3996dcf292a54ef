"""Per-column mean and standard deviation of a 2-D tensor.

std with correction c:  sqrt( sum_i (x_i - mean)^2 / (N - c) ),  c = 1 (unbiased) or 0.
"""

import torch


def column_stats(x: torch.Tensor, unbiased: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and std of every column of ``x`` (N, M): two tensors of shape (M,).

    ``unbiased=True`` divides by N - 1 (Bessel's correction), ``False`` by N.
    """
    # Reduce over dim 0 (the rows), leaving one value per column; correction picks N-1 or N.
    std, mean = torch.std_mean(x, dim=0, correction=1 if unbiased else 0)  # (M,), (M,)
    return mean, std
