import inspect
import os
import tempfile

from torchdojo.probes import compare, probe


def _onnx_file(input_name, outputs, seed, in_dim=6, hidden=8, classes=3):
    """A seeded MLP written with onnx.helper; dim 0 symbolic. outputs: 'logits' and/or 'probs'."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((in_dim, hidden)).astype(np.float32)
    b1 = rng.standard_normal(hidden).astype(np.float32)
    w2 = rng.standard_normal((hidden, classes)).astype(np.float32)
    nodes = [helper.make_node("MatMul", [input_name, "w1"], ["h0"]),
             helper.make_node("Add", ["h0", "b1"], ["h1"]),
             helper.make_node("Relu", ["h1"], ["h2"]),
             helper.make_node("MatMul", ["h2", "w2"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["probs"], axis=-1)]
    graph = helper.make_graph(
        nodes, "mlp", [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", in_dim])],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["N", classes]) for o in outputs],
        [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
         numpy_helper.from_array(w2, "w2")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    onnx.save(model, path)
    return path


def _batch(seed, shape, dtype="float32"):
    import numpy as np

    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _seen(y):
    """What the predictor returned: its type's name and the value itself."""
    return {"type": type(y).__name__, "value": y}


def _outputs_judge(got, ref):
    if not isinstance(got, dict):
        return f"expected the outputs by batch, got {type(got).__name__}"
    for key, r in ref.items():
        g = got.get(key)
        if isinstance(g, str):
            return f"{key}: the predictor {g}"
        if not isinstance(g, dict) or g.get("type") != "ndarray":
            what = g.get("type") if isinstance(g, dict) else type(g).__name__
            return f"{key}: the predictor returned {what}, expected an np.ndarray"
        gv, rv = g["value"], r["value"]
        dtype = gv.get("dtype") if isinstance(gv, dict) else None
        if dtype != rv["dtype"]:
            return f"{key}: the predictor returned a {dtype} array, expected {rv['dtype']}"
        why = compare(gv, rv, rtol=1e-5, atol=1e-6)
        if why:
            return f"{key}: the output is not the model's first output ({why})"
    return None


@probe(public=True, judge=_outputs_judge)
def float32_batches(m):
    "a file whose input is not called 'input'; float32 batches of 1 and 7 rows"
    predict = m.OrtPredictor(_onnx_file("features", ["logits"], 1))
    return {f"batch {b}": _seen(predict(_batch(10 + b, (b, 6)))) for b in (1, 7)}


@probe(judge=_outputs_judge)
def float64_batch(m):
    "a float64 batch: the model's input is float32, and so is the result"
    predict = m.OrtPredictor(_onnx_file("features", ["logits"], 2))
    return {"batch 4 (float64)": _seen(predict(_batch(20, (4, 6), "float64")))}


@probe(judge=_outputs_judge)
def other_file_two_outputs(m):
    "another file: other input name, two outputs (the first is returned), a transposed view"
    predict = m.OrtPredictor(_onnx_file("x_in", ["probs", "logits"], 3, in_dim=5, classes=4))
    x = _batch(30, (5, 3)).T  # (3, 5), not C-contiguous
    return {"batch 3 (transposed view)": _seen(predict(x))}


class _Spy:
    """Counts InferenceSession constructions and records the providers they were given,
    wherever the learner's module got the class from (the class's own __init__ is wrapped)."""

    def __enter__(self):
        import onnxruntime as ort

        self.cls, self.original = ort.InferenceSession, ort.InferenceSession.__init__
        self.calls = []
        spy, original = self, self.original
        signature = inspect.signature(original)

        def init(sess, *args, **kwargs):
            original(sess, *args, **kwargs)
            asked = signature.bind(sess, *args, **kwargs).arguments.get("providers")
            spy.calls.append({"asked": list(asked) if isinstance(asked, list | tuple) else asked,
                              "session": list(sess.get_providers())})

        self.cls.__init__ = init
        return self

    def __exit__(self, *exc):
        self.cls.__init__ = self.original


def _providers_judge(got, ref):
    for key, what in (("default", "providers=None"), ("explicit", "explicit providers")):
        if got[key] != ref[key]:
            return (f"with {what} the sessions made were {got[key]}, expected {ref[key]} "
                    "(providers asked for, providers the session uses)")
    return None


@probe(judge=_providers_judge)
def providers_argument(m):
    "the providers argument reaches the session; None means an explicit CPU provider"
    path = _onnx_file("features", ["logits"], 4)
    with _Spy() as spy:
        m.OrtPredictor(path)
        default = list(spy.calls)
        spy.calls.clear()
        m.OrtPredictor(path, providers=["AzureExecutionProvider", "CPUExecutionProvider"])
        explicit = list(spy.calls)
    return {"default": default, "explicit": explicit}


def _once_judge(got, ref):
    if got["built"] != ref["built"]:
        return (f"sessions built in __init__ and over 3 calls: {got['built']}, expected "
                f"{ref['built']}: build the session once, in __init__")
    return _outputs_judge(got["after_delete"], ref["after_delete"])


@probe(judge=_once_judge)
def session_built_once(m):
    "how many sessions the predictor builds; it still works after its file is deleted"
    path = _onnx_file("features", ["logits"], 5)
    with _Spy() as spy:
        predict = m.OrtPredictor(path)
        at_init = len(spy.calls)
        for b in (2, 3, 4):
            predict(_batch(50 + b, (b, 6)))
        built = [at_init, len(spy.calls)]
    os.remove(path)  # the session holds the graph: the file is no longer needed
    try:
        after = _seen(predict(_batch(59, (2, 6))))
    except Exception as exc:  # noqa: BLE001 - a predictor that reloads the file is the observation
        after = f"raised {type(exc).__name__}"
    return {"built": built, "after_delete": {"batch 2 after the file was deleted": after}}
