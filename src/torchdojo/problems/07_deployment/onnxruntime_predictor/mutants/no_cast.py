"""MUTANT: the batch is fed as it comes: a float64 array is refused by onnxruntime (the graph's
input is float32)."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        self.session = ort.InferenceSession(
            onnx_path, providers=providers if providers is not None else ["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.session.get_inputs()[0].name: x})[0]
