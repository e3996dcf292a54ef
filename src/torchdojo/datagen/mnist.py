"""A tiny MNIST in the real IDX format, where ``torchvision.datasets.MNIST`` looks for it.

IDX (LeCun's format) is a big-endian binary: a 4-byte magic number ``0x00 0x00 <type> <ndim>``
(type 0x08 is unsigned byte), then ``ndim`` sizes as big-endian int32, then the values in
row-major order. MNIST's image files hold (N, 28, 28) uint8 (magic 2051 = 0x00000803), its
label files (N,) uint8 (magic 2049 = 0x00000801). ``torchvision.datasets.MNIST(root,
download=False)`` reads the uncompressed files from ``root/MNIST/raw``.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

import numpy as np

IDX_UBYTE = 0x08
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class MnistFiles:
    """What :func:`write_mnist` wrote: the arrays exactly as stored in the IDX files."""

    root: str  # pass this to MNIST(root, ...)
    raw_folder: str  # root/MNIST/raw
    train_images: np.ndarray  # (N_train, 28, 28) uint8
    train_labels: np.ndarray  # (N_train,) uint8, values 0..9
    test_images: np.ndarray  # (N_test, 28, 28) uint8
    test_labels: np.ndarray  # (N_test,) uint8


def write_idx(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write a uint8 array of any rank as an IDX file (magic, big-endian sizes, values)."""
    if array.dtype != np.uint8:
        raise TypeError(f"only uint8 IDX files are written here, got {array.dtype}")
    header = struct.pack(">BBBB", 0, 0, IDX_UBYTE, array.ndim)  # magic number
    header += struct.pack(f">{array.ndim}I", *array.shape)  # one big-endian int32 per dim
    with open(path, "wb") as f:
        f.write(header + np.ascontiguousarray(array).tobytes())


def _digits(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` digit-like images (n, 28, 28) uint8: black background, one bright blob each."""
    yy, xx = np.mgrid[0:28, 0:28]
    cy, cx = rng.uniform(8, 20, size=(2, n, 1, 1))
    radius = rng.uniform(3, 7, size=(n, 1, 1))
    blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2))  # (n, 28, 28)
    noisy = 255 * blob + rng.normal(0, 20, size=(n, 28, 28))
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def write_mnist(root: str | os.PathLike[str], n_train: int = 12, n_test: int = 5,
                seed: int = 0) -> MnistFiles:
    """Write the four MNIST IDX files under ``root/MNIST/raw``; return what was written.

    Deterministic for a given ``seed``. The real dataset has 60 000 + 10 000 images.
    """
    rng = np.random.default_rng(seed)
    root = os.fspath(root)
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    arrays = {
        "train_images": _digits(rng, n_train),
        "train_labels": rng.integers(0, 10, size=n_train).astype(np.uint8),
        "test_images": _digits(rng, n_test),
        "test_labels": rng.integers(0, 10, size=n_test).astype(np.uint8),
    }
    for key, array in arrays.items():
        write_idx(os.path.join(raw, FILES[key]), array)
    return MnistFiles(root=root, raw_folder=raw, **arrays)
