"""MUTANT: the session is built on the first call, not in __init__: a file that is moved or
deleted after the predictor was made can no longer be loaded."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        self.onnx_path = onnx_path
        self.providers = providers if providers is not None else ["CPUExecutionProvider"]
        self.session = None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.session is None:
            self.session = ort.InferenceSession(self.onnx_path, providers=self.providers)
        x = np.ascontiguousarray(x, dtype=np.float32)
        return self.session.run(None, {self.session.get_inputs()[0].name: x})[0]
