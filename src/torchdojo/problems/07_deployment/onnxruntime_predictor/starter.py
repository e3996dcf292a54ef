"""A small predictor over an ONNX file: one onnxruntime session, NumPy in, NumPy out."""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    """Run the ONNX model at ``onnx_path`` on NumPy batches."""

    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        # TODO: build the session here, once, with explicit providers (CPU when None)
        self.onnx_path = onnx_path

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # TODO: feed the file's own input name, as float32; return the first output
        session = ort.InferenceSession(self.onnx_path)
        return session.run(None, {"input": x})[0]
