"""MUTANT: the names are always 'input' and 'output', whatever the caller asked for."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (example,), path, input_names=["input"],
                          output_names=["output"], dynamic_shapes=({0: batch},), verbose=False)
    finally:
        model.train(was_training)
