"""Make an independent copy of a tensor: fresh memory, no autograd history, no warning.

    t.detach()           same memory, no history   (a view, not a copy)
    t.clone()            new memory, keeps history (gradients flow back into t)
    torch.tensor(t)      new memory, no history    (but warns: meant for lists and arrays)
    t.detach().clone()   new memory, no history    <- this one
"""

import torch


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    """A copy of ``t`` with the same values, shape and dtype, its own storage, and no grad."""
    # detach() leaves the autograd graph (still the same memory, so no copy yet) ...
    plain = t.detach()
    # ... and clone() copies the values into fresh memory; the result requires no grad.
    return plain.clone()
