"""MUTANT: the seed's feed: the input name is hard-coded as 'input' instead of read from
session.get_inputs()."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        self.session = ort.InferenceSession(
            onnx_path, providers=providers if providers is not None else ["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        return self.session.run(None, {"input": x})[0]
