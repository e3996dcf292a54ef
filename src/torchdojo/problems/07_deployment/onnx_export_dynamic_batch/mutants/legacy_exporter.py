"""MUTANT: everything right, but through the deprecated TorchScript exporter
(dynamo=False with dynamic_axes), which warns that it is going away."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        torch.onnx.export(model, (example,), path, input_names=[input_name],
                          output_names=[output_name], dynamo=False,
                          dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}})
    finally:
        model.train(was_training)
