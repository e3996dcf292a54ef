"""One training epoch and one evaluation pass for a classifier."""

import torch
from torch import nn
from torch.utils.data import DataLoader


def train_one_epoch(model: nn.Module, loader: DataLoader, loss_fn: nn.Module,
                    optimizer: torch.optim.Optimizer) -> float:
    """One pass over ``loader`` in training mode; the sample-weighted mean loss."""
    # TODO: put the model in training mode
    # TODO: per batch: zero the gradients, forward, loss, backward, step
    # TODO: add loss.item() * batch size; count the samples
    # TODO: return the mean over the samples, as a Python float
    raise NotImplementedError


def evaluate(model: nn.Module, loader: DataLoader, loss_fn: nn.Module) -> tuple[float, float]:
    """Mean loss and accuracy over ``loader`` in eval mode, without building a graph."""
    # TODO: put the model in eval mode and turn off gradient tracking
    # TODO: per batch: logits, loss weighted by batch size, number of correct argmax predictions
    # TODO: return (mean loss, accuracy) over the samples, both Python floats
    raise NotImplementedError
