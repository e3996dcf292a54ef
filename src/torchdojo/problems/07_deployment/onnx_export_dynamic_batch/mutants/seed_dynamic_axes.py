"""MUTANT: the seed's call: dynamic_axes (the TorchScript exporter's argument, converted with
deprecation warnings by the dynamo exporter) and no eval()."""

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    torch.onnx.export(model, (example,), path, input_names=[input_name],
                      output_names=[output_name],
                      dynamic_axes={input_name: {0: "batch_size"}, output_name: {0: "batch_size"}},
                      verbose=False)
