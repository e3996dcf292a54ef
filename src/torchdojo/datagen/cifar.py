"""A tiny CIFAR-10 in the real ``cifar-10-batches-py`` format, and a reader without md5 checks.

The real archive unpacks to ``cifar-10-batches-py/`` holding five training batches
(``data_batch_1`` .. ``data_batch_5``), one ``test_batch`` and ``batches.meta``. Each batch is a
pickled dict: ``data`` is a uint8 array of shape (N, 3072) whose rows are images stored
channel-first (1024 red values, then 1024 green, then 1024 blue, each 32x32 row-major),
``labels`` a list of ints in [0, 10), plus ``batch_label`` and ``filenames``. ``batches.meta``
holds ``label_names``. :func:`write_cifar10` writes the same files with a few images each.

``torchvision.datasets.CIFAR10`` checks every file's md5 against the real archive's, which tiny
files cannot match; :class:`UncheckedCIFAR10` is the same reader with the checksums removed.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass

import numpy as np
from torchvision.datasets import CIFAR10

LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck"]
TRAIN_FILES = [f"data_batch_{i}" for i in range(1, 6)]
TEST_FILE = "test_batch"
META_FILE = "batches.meta"


@dataclass(frozen=True)
class CifarFiles:
    """What :func:`write_cifar10` wrote.

    ``*_data`` are the rows exactly as pickled: uint8 (N, 3072), channel-first per row;
    ``*_labels`` are int64 (N,). Training rows are in file order (batch 1 first).
    """

    root: str  # pass this to CIFAR10(root, ...)
    folder: str  # root/cifar-10-batches-py
    train_data: np.ndarray  # (N_train, 3072) uint8
    train_labels: np.ndarray  # (N_train,) int64
    test_data: np.ndarray  # (N_test, 3072) uint8
    test_labels: np.ndarray  # (N_test,) int64

    def images(self, train: bool = True) -> np.ndarray:
        """The images as torchvision's ``CIFAR10.data`` holds them: uint8 (N, 32, 32, 3)."""
        data = self.train_data if train else self.test_data
        return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


class UncheckedCIFAR10(CIFAR10):
    """``torchvision.datasets.CIFAR10`` with no md5 checks, so it reads :func:`write_cifar10`'s
    tiny files. ``check_integrity(path, None)`` only checks that the file exists."""

    train_list = [[name, None] for name in TRAIN_FILES]
    test_list = [[TEST_FILE, None]]
    meta = {"filename": META_FILE, "key": "label_names", "md5": None}


def _images(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` images (n, 3, 32, 32) uint8 whose statistics are not trivial: each channel has its
    own level, each image its own brightness, red a left-to-right ramp, plus noise. So per-image
    and whole-set statistics differ, and so do the three channels."""
    channel_level = np.array([150.0, 120.0, 95.0]).reshape(1, 3, 1, 1)
    brightness = rng.uniform(-50, 50, size=(n, 1, 1, 1))
    ramp = np.zeros((1, 3, 32, 32))
    ramp[:, 0] = np.linspace(-25, 25, 32)  # red grows along the width
    noise = rng.normal(0.0, 35.0, size=(n, 3, 32, 32))
    return np.clip(np.rint(channel_level + brightness + ramp + noise), 0, 255).astype(np.uint8)


def _dump(path: str, obj: dict) -> None:
    # The real files are python-2 pickles (protocol 2); torchvision reads them with
    # pickle.load(f, encoding="latin1").
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)


def write_cifar10(root: str | os.PathLike[str], n_per_batch: int = 4, n_test: int = 6,
                  seed: int = 0) -> CifarFiles:
    """Write ``root/cifar-10-batches-py`` with 5 training batches of ``n_per_batch`` images,
    a test batch of ``n_test`` images and ``batches.meta``; return what was written.

    Deterministic for a given ``seed``. The real dataset has 10 000 images per batch.
    """
    rng = np.random.default_rng(seed)
    root = os.fspath(root)
    folder = os.path.join(root, CIFAR10.base_folder)
    os.makedirs(folder, exist_ok=True)

    def batch(name: str, label: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        data = _images(rng, n).reshape(n, 3072)  # (n, 3072): R plane, G plane, B plane
        labels = rng.integers(0, 10, size=n)  # (n,)
        _dump(os.path.join(folder, name), {
            "batch_label": label,
            "labels": [int(y) for y in labels],  # the real files hold a plain list
            "data": data,
            "filenames": [f"{LABEL_NAMES[y]}_s_{i:06d}.png" for i, y in enumerate(labels)],
        })
        return data, labels.astype(np.int64)

    train = [batch(name, f"training batch {i + 1} of 5", n_per_batch)
             for i, name in enumerate(TRAIN_FILES)]
    test_data, test_labels = batch(TEST_FILE, "testing batch 1 of 1", n_test)
    _dump(os.path.join(folder, META_FILE),
          {"num_cases_per_batch": n_per_batch, "label_names": LABEL_NAMES, "num_vis": 3072})
    return CifarFiles(
        root=root,
        folder=folder,
        train_data=np.concatenate([d for d, _ in train]),
        train_labels=np.concatenate([y for _, y in train]),
        test_data=test_data,
        test_labels=test_labels,
    )
