"""Real handwritten digits for probes: scikit-learn's bundled 8x8 set, read without sklearn.

scikit-learn ships the UCI "optical recognition of handwritten digits" test set (1797 images of
8x8 pixels, grey levels 0..16, ten classes) as ``sklearn/datasets/data/digits.csv.gz``: one row
per image, 64 pixel values then the label. ``sklearn.datasets.load_digits`` reads that file, but
importing ``sklearn.datasets`` pulls in SciPy and costs over a second per check; this module
finds the package folder with :func:`importlib.util.find_spec` (which does not import it) and
reads the CSV itself, in about 20 ms.
"""

from __future__ import annotations

import gzip
import importlib.util
import os

import numpy as np

N_IMAGES = 1797


def digits_path() -> str:
    """The path of scikit-learn's ``digits.csv.gz`` (scikit-learn must be installed)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed: it ships the digits data")
    return os.path.join(list(spec.submodule_search_locations)[0], "datasets", "data",
                        "digits.csv.gz")


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 digits in file order: images (N, 8, 8) float32 in [0, 16], labels (N,) int64."""
    with gzip.open(digits_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)  # (N, 65)
    images = table[:, :64].reshape(-1, 8, 8)
    labels = table[:, 64].astype(np.int64)
    return images, labels
