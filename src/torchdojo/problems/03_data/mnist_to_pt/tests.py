"""Probes for mnist_to_pt: what the saved file holds (tensors only, uint8/int64, the IDX
contents), its size, and loading it back safely. The MNIST files are written in the real IDX
format by torchdojo.datagen.mnist."""

import argparse
import os
import tempfile

import torch

from torchdojo.probes import compare, probe, raised

N_TRAIN, N_TEST = 40, 10
KEYS = ["test_images", "test_labels", "train_images", "train_labels"]


def _fake_mnist(seed: int = 0):
    from torchdojo.datagen import mnist

    return mnist.write_mnist(tempfile.mkdtemp(), n_train=N_TRAIN, n_test=N_TEST, seed=seed)


def _saved_by_learner(m, seed: int = 0) -> str:
    files = _fake_mnist(seed)
    out = os.path.join(tempfile.mkdtemp(), "mnist.pt")
    m.save_mnist_tensors(files.root, out)
    return out


def _content_judge(got, ref):
    if got["error"] is not None:
        return (f"torch.load(out_path, weights_only=True) refused the saved file ({got['error']}); "
                "save a plain dict of tensors, not Dataset objects")
    if got["keys"] is None:
        return f"expected the file to hold a dict, got {got['type']}"
    if got["keys"] != ref["keys"]:
        return f"expected the keys {ref['keys']}, got {got['keys']}"
    content, expected = got["content"], ref["content"]
    swapped = all(isinstance(content[k], torch.Tensor) for k in KEYS) and (
        content["train_images"].shape[0] == expected["test_images"].shape[0]
        and content["test_images"].shape[0] == expected["train_images"].shape[0])
    if swapped:
        return (f"train_images has {content['train_images'].shape[0]} images and test_images "
                f"{content['test_images'].shape[0]}: the train and test splits look swapped")
    return compare(content, expected)


@probe(public=True, judge=_content_judge)
def saved_file_contents(m):
    "save_mnist_tensors on 40 + 10 fake IDX images, read back with torch.load(weights_only=True): keys, dtypes, values"
    out = _saved_by_learner(m)
    try:
        obj = torch.load(out, weights_only=True)
    except Exception as exc:  # noqa: BLE001 - a refused file is the observation
        lines = [ln for ln in str(exc).splitlines() if "Unsupported" in ln] or [str(exc)]
        return {"error": f"{type(exc).__name__}: {lines[0].strip()[:200]}",
                "type": None, "keys": None, "content": None}
    is_dict = isinstance(obj, dict)
    return {"error": None, "type": type(obj).__name__,
            "keys": sorted(str(k) for k in obj) if is_dict else None,
            "content": dict(obj) if is_dict else None}


def _size_judge(got, ref):
    if got["bytes"] <= 1.5 * ref["bytes"]:
        return None
    return (f"the file is {got['bytes']} bytes, {got['bytes'] / ref['bytes']:.1f} times the "
            f"{ref['bytes']} bytes needed for {N_TRAIN + N_TEST} uint8 images of 28x28 plus "
            "their labels: keep the images uint8 (one byte per pixel) and save only tensors")


@probe(judge=_size_judge)
def file_size(m):
    "the saved file is about one byte per pixel plus labels and a little overhead"
    return {"bytes": os.path.getsize(_saved_by_learner(m, seed=1))}


def _probe_file(extra=None) -> str:
    """A file saved by the probe itself in the documented layout (9 train, 4 test images)."""
    tensors = {
        "train_images": torch.randint(0, 256, (9, 28, 28), dtype=torch.uint8),
        "train_labels": torch.randint(0, 10, (9,)),
        "test_images": torch.randint(0, 256, (4, 28, 28), dtype=torch.uint8),
        "test_labels": torch.randint(0, 10, (4,)),
        **(extra or {}),
    }
    path = os.path.join(tempfile.mkdtemp(), "saved.pt")
    torch.save(tensors, path)
    return path


def _describe(ds):
    n = len(ds)
    items = [ds[i] for i in range(n)]
    return {
        "is_tensor_dataset": isinstance(ds, torch.utils.data.TensorDataset),
        "len": n,
        "first": items[0],
        "images": torch.stack([img for img, _ in items]),  # (N, 28, 28)
        "labels": torch.stack([label for _, label in items]),  # (N,)
    }


@probe(public=True)
def load_train_split(m):
    "load_mnist_tensors(path) on a file the probe saved: a TensorDataset of the 9 training pairs"
    return _describe(m.load_mnist_tensors(_probe_file()))


@probe
def load_test_split(m):
    "load_mnist_tensors(path, train=False) on a file the probe saved: the 4 test pairs"
    return _describe(m.load_mnist_tensors(_probe_file(), train=False))


@probe
def round_trip(m):
    "save_mnist_tensors then load_mnist_tensors, both splits: lengths and (28, 28) uint8 / int64 items"
    out = _saved_by_learner(m, seed=2)
    return {split: _describe(m.load_mnist_tensors(out, train=train))
            for split, train in (("train", True), ("test", False))}


def _refusal_judge(got, ref):
    if got == ref:
        return None
    if got is None:
        return ("load_mnist_tensors loaded a file that carries a pickled Python object (an "
                "argparse.Namespace) without complaint: load with weights_only=True so such "
                f"files raise {ref}")
    return f"expected load_mnist_tensors to raise {ref} on that file, got {got}"


@probe(judge=_refusal_judge)
def load_refuses_pickled_objects(m):
    "load_mnist_tensors on a file that also holds a pickled Python object: the load is refused"
    path = _probe_file(extra={"args": argparse.Namespace(lr=0.1, note="not a tensor")})
    return raised(lambda: m.load_mnist_tensors(path))
