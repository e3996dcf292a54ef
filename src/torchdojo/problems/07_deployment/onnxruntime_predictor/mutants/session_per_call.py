"""MUTANT: a new InferenceSession for every call: the graph is loaded and optimised again
each time (and the file must still exist)."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        self.onnx_path = onnx_path
        self.providers = providers if providers is not None else ["CPUExecutionProvider"]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        session = ort.InferenceSession(self.onnx_path, providers=self.providers)
        x = np.ascontiguousarray(x, dtype=np.float32)
        return session.run(None, {session.get_inputs()[0].name: x})[0]
