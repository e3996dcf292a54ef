"""train_script.py: train a small classifier and test a saved one, from the command line.

    python train_script.py train --data data.pt --epochs 5 --lr 0.1 --out runs/a
    python train_script.py test --data data.pt --checkpoint runs/a/model.pt
"""

import argparse
import json  # noqa: F401 - you will need these
import os  # noqa: F401
import sys

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset  # noqa: F401


class Net(nn.Module):
    """fc1 -> ReLU -> Dropout(0.5) -> fc2."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(F.relu(self.fc1(x))))  # (B, F) -> (B, C)


def build_parser() -> argparse.ArgumentParser:
    """The command line: subcommands `train` and `test`."""
    parser = argparse.ArgumentParser(description="Train or test a small classifier.")
    # TODO: two subcommands (a missing one is an error): train with --data (required),
    #       --epochs 5, --lr 0.1, --batch-size 32, --hidden 16, --seed 0, --out runs, each
    #       default shown in --help; test with --data and --checkpoint (both required)
    return parser


def train(args: argparse.Namespace) -> int:
    """Train on the training split, save model.pt and metrics.json under args.out."""
    # TODO: a missing --data file: one line on stderr naming it, return 1
    # TODO: torch.manual_seed(seed), then Net(...), then one DataLoader with its own seeded
    #       generator; SGD(lr, momentum=0.9); per epoch the mean loss over the samples
    # TODO: test accuracy in eval mode under no_grad; os.makedirs(out); save the state_dict
    #       and metrics.json there; return 0
    raise NotImplementedError


def test(args: argparse.Namespace) -> int:
    """Load a checkpoint and print {"accuracy": ...} for the test split."""
    # TODO: missing files -> one line on stderr, return 1; hidden = fc1.weight.shape[0];
    #       load strictly; print the JSON line; return 0
    raise NotImplementedError


def main(argv: list[str] | None = None) -> int:
    """Parse argv (sys.argv[1:] when None), run the subcommand, return the exit code."""
    args = build_parser().parse_args(argv)
    # TODO: dispatch on the subcommand
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
