"""MUTANT: dynamic_shapes keyed by a hard-coded argument name 'x': it must match forward's own
parameter name, which the exporter checks (a tuple by position avoids the question)."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        batch = torch.export.Dim("batch")
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          output_names=[output_name], dynamic_shapes={"x": {0: batch}},
                          verbose=False)
    finally:
        model.train(was_training)
