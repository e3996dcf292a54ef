"""MUTANT: the deprecated TorchScript exporter (dynamo=False, dynamic_axes) with its deprecation
warnings silenced: the warnings are gone, the old exporter's file is still the old exporter's."""

import warnings

import torch
from torch import nn


def export_onnx(model: nn.Module, example: torch.Tensor, path: str,
                input_name: str = "input", output_name: str = "output") -> None:
    was_training = model.training
    model.eval()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (example,), path, input_names=[input_name],
                              output_names=[output_name], dynamo=False,
                              dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}})
    finally:
        model.train(was_training)
