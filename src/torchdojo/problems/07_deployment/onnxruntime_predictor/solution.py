"""A small predictor over an ONNX file: one onnxruntime session, NumPy in, NumPy out.

The file, not the caller, says what its input is called; the session is expensive to build
(it loads and optimises the graph), so it is built once and reused for every call.
"""

import numpy as np
import onnxruntime as ort


class OrtPredictor:
    """Run the ONNX model at ``onnx_path`` on NumPy batches."""

    def __init__(self, onnx_path: str, providers: list[str] | None = None):
        # name the execution providers explicitly (GPU builds require it); CPU by default
        self.providers = list(providers) if providers is not None else ["CPUExecutionProvider"]
        # build the session once: parsing and optimising the graph is the expensive part
        self.session = ort.InferenceSession(onnx_path, providers=self.providers)
        # the graph's own input name, whatever the exporter called it
        self.input_name = self.session.get_inputs()[0].name

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # onnxruntime checks dtypes strictly: a float64 batch must become float32
        x = np.ascontiguousarray(x, dtype=np.float32)  # (B, ...)
        # run every output and keep the first one
        return self.session.run(None, {self.input_name: x})[0]  # (B, ...) float32
