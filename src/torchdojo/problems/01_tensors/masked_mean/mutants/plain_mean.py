"""Ignores the mask: averages the padding too."""


def masked_mean(x, mask):
    return x.mean(dim=1)
