"""The epoch loss is the mean of the batch means, not the mean over samples."""


import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    """fc1 -> ReLU -> Dropout(0.5) -> fc2: a small classifier with a mode-dependent layer."""

    def __init__(self, in_features: int, hidden: int, num_classes: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(hidden, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(F.relu(self.fc1(x))))  # (B, F) -> (B, C)


def build_parser() -> argparse.ArgumentParser:
    """The command line: two subcommands, every default shown by --help."""
    parser = argparse.ArgumentParser(description="Train or test a small classifier.")
    sub = parser.add_subparsers(dest="command", required=True)  # no subcommand: exit 2
    train = sub.add_parser("train", help="train a model and save it")
    train.add_argument("--data", required=True, help="dataset file (.pt)")
    # argparse fills %(default)s in, so --help always shows the real default.
    train.add_argument("--epochs", type=int, default=5,
                       help="passes over the training split (default: %(default)s)")
    train.add_argument("--lr", type=float, default=0.1,
                       help="SGD learning rate (default: %(default)s)")
    train.add_argument("--batch-size", type=int, default=32,
                       help="mini-batch size (default: %(default)s)")
    train.add_argument("--hidden", type=int, default=16,
                       help="hidden units of Net (default: %(default)s)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    train.add_argument("--out", default="runs", help="output folder (default: %(default)s)")
    test = sub.add_parser("test", help="evaluate a saved model")
    test.add_argument("--data", required=True, help="dataset file (.pt)")
    test.add_argument("--checkpoint", required=True, help="model.pt written by train")
    return parser


def load_file(path: str, what: str):
    """torch.load a tensors-only file; None (after a one-line message) when it is missing."""
    if not os.path.isfile(path):
        print(f"error: {what} not found: {path}", file=sys.stderr)
        return None
    return torch.load(path, weights_only=True)


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of correct predictions, in eval mode (dropout off) and without a graph."""
    model.eval()
    pred = model(x).argmax(dim=1)  # (N,)
    return (pred == y).sum().item() / len(y)


def train(args: argparse.Namespace) -> int:
    data = load_file(args.data, "data file")
    if data is None:
        return 1
    x, y = data["x_train"], data["y_train"]  # (N, F) float32, (N,) int64
    # Seed first: Net's initialisation and Dropout draw from the global generator.
    torch.manual_seed(args.seed)
    model = Net(x.shape[1], args.hidden, int(data["num_classes"]))
    # The shuffling order comes from its own generator, seeded from the same --seed.
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(args.seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    train_loss = []
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)  # mean over the batch
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_loss.append(total / len(loader))  # mean over the epoch's samples
        print(f"epoch {epoch + 1}/{args.epochs} train_loss {train_loss[-1]:.4f}")
    metrics = {"train_loss": train_loss,
               "test_accuracy": accuracy(model, data["x_test"], data["y_test"])}
    # Everything the run writes goes under --out, created if needed.
    os.makedirs(args.out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))  # tensors only
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f)
    print(json.dumps(metrics))
    return 0


def test(args: argparse.Namespace) -> int:
    data = load_file(args.data, "data file")
    state = None if data is None else load_file(args.checkpoint, "checkpoint")
    if state is None:
        return 1
    # The checkpoint is a plain state_dict: the hidden size is fc1's number of rows.
    model = Net(data["x_test"].shape[1], state["fc1.weight"].shape[0], int(data["num_classes"]))
    model.load_state_dict(state, strict=True)
    print(json.dumps({"accuracy": accuracy(model, data["x_test"], data["y_test"])}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse argv (sys.argv[1:] when None) and run a subcommand; returns the exit code.

    Bad arguments make argparse print its usage and raise SystemExit(2).
    """
    args = build_parser().parse_args(argv)
    return train(args) if args.command == "train" else test(args)


if __name__ == "__main__":
    sys.exit(main())
