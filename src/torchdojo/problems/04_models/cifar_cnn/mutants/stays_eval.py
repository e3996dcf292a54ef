"""Never calls model.train(): a model handed over in eval mode trains with batch norm on its
running statistics (and dropout off)."""

import torch
import torch.nn.functional as F
from torch import nn


class CifarCNN(nn.Module):
    """(B, 3, 32, 32) images -> (B, num_classes) logits; about 34 000 parameters."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()

        def block(c_in: int, c_out: int) -> nn.Sequential:
            # 3x3 conv (size kept) -> ReLU -> 2x2 max-pool (size halved)
            return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))

        self.features = nn.Sequential(block(3, 16), block(16, 32), block(32, 64))
        self.classifier = nn.Linear(64 * 4 * 4, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (B, 64, 4, 4)
        x = torch.flatten(x, 1)  # (B, 1024), one row per sample
        return self.classifier(x)  # (B, num_classes) logits, no softmax


def train_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer) -> float:
    """One pass over ``loader`` with cross-entropy; the sample-weighted mean loss as a float."""
    total, seen = 0.0, 0
    for images, labels in loader:  # (B, 3, 32, 32), (B,)
        optimizer.zero_grad()  # backward() adds into .grad
        loss = F.cross_entropy(model(images), labels)  # mean over this batch
        loss.backward()
        optimizer.step()
        b = labels.shape[0]
        total += loss.item() * b  # undo the mean: a short last batch counts b times, not 1
        seen += b
    return total / seen
