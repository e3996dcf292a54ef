"""MUTANT: returns what session.run returns, a list with one array per output, not the array."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        self.session = ort.InferenceSession(
            onnx_path, providers=providers if providers is not None else ["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        return self.session.run(None, {self.session.get_inputs()[0].name: x})
