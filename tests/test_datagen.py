"""torchdojo.datagen writes the real on-disk formats: torchvision (or the format's own rules)
reads back exactly what was written."""

from __future__ import annotations

import json
import pickle
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision.transforms.v2 import functional as F

from torchdojo.datagen import cifar, coco, mnist


def test_cifar10_read_back_by_torchvision(tmp_path: Path) -> None:
    files = cifar.write_cifar10(tmp_path, n_per_batch=2, n_test=3, seed=1)
    train = cifar.UncheckedCIFAR10(str(tmp_path), train=True, download=False)
    test = cifar.UncheckedCIFAR10(str(tmp_path), train=False, download=False)
    assert len(train) == 10 and len(test) == 3
    assert np.array_equal(train.data, files.images(train=True))  # (N, 32, 32, 3) HWC
    assert np.array_equal(test.data, files.images(train=False))
    assert train.targets == files.train_labels.tolist()
    assert test.targets == files.test_labels.tolist()
    assert train.classes == cifar.LABEL_NAMES
    # a pixel through the dataset's PIL path: row 5, column 7, green = plane 1 of the row
    image, label = train[3]
    assert image.getpixel((7, 5))[1] == files.train_data[3, 1024 + 5 * 32 + 7]
    assert label == files.train_labels[3]


def test_cifar10_batches_look_like_the_real_files(tmp_path: Path) -> None:
    files = cifar.write_cifar10(tmp_path, n_per_batch=2, n_test=3)
    with open(Path(files.folder) / "data_batch_2", "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    assert set(batch) == {"batch_label", "labels", "data", "filenames"}
    assert batch["data"].dtype == np.uint8 and batch["data"].shape == (2, 3072)
    assert isinstance(batch["labels"], list) and all(0 <= y < 10 for y in batch["labels"])
    assert batch["batch_label"] == "training batch 2 of 5"
    with open(Path(files.folder) / "batches.meta", "rb") as f:
        assert pickle.load(f, encoding="latin1")["label_names"][0] == "airplane"
    # the plain CIFAR10 rejects the tiny files: their md5 is not the real archive's
    try:
        torchvision.datasets.CIFAR10(str(tmp_path), train=True, download=False)
    except RuntimeError:
        pass
    else:
        raise AssertionError("CIFAR10's integrity check accepted fake files")


def test_cifar10_is_seeded(tmp_path: Path) -> None:
    a = cifar.write_cifar10(tmp_path / "a", n_per_batch=1, n_test=1, seed=3)
    b = cifar.write_cifar10(tmp_path / "b", n_per_batch=1, n_test=1, seed=3)
    c = cifar.write_cifar10(tmp_path / "c", n_per_batch=1, n_test=1, seed=4)
    assert np.array_equal(a.train_data, b.train_data)
    assert not np.array_equal(a.train_data, c.train_data)


def test_mnist_read_back_by_torchvision(tmp_path: Path) -> None:
    files = mnist.write_mnist(tmp_path, n_train=7, n_test=3, seed=2)
    for train, images, labels in ((True, files.train_images, files.train_labels),
                                  (False, files.test_images, files.test_labels)):
        ds = torchvision.datasets.MNIST(str(tmp_path), train=train, download=False)
        assert ds.data.dtype == torch.uint8 and ds.data.shape == (len(images), 28, 28)
        assert np.array_equal(ds.data.numpy(), images)
        assert ds.targets.dtype == torch.int64
        assert ds.targets.tolist() == labels.tolist()


def test_mnist_idx_headers(tmp_path: Path) -> None:
    files = mnist.write_mnist(tmp_path, n_train=7, n_test=3)
    raw = Path(files.raw_folder)
    head = (raw / "train-images-idx3-ubyte").read_bytes()[:16]
    assert struct.unpack(">IIII", head) == (2051, 7, 28, 28)  # magic, N, rows, cols
    head = (raw / "t10k-labels-idx1-ubyte").read_bytes()[:8]
    assert struct.unpack(">II", head) == (2049, 3)
    assert (raw / "t10k-images-idx3-ubyte").stat().st_size == 16 + 3 * 28 * 28


def test_coco_json_and_images(tmp_path: Path) -> None:
    files = coco.write_coco(tmp_path, seed=5)
    with open(files.ann_file, encoding="utf-8") as f:
        data = json.load(f)
    assert data == files.coco
    assert [c["id"] for c in data["categories"]] == [18, 1, 3]
    ids = {im["id"] for im in data["images"]}
    annotated = {a["image_id"] for a in data["annotations"]}
    assert annotated < ids and len(ids - annotated) == 1  # one image without annotations
    assert sum(a["iscrowd"] for a in data["annotations"]) == 1
    for ann in data["annotations"]:
        x, y, w, h = ann["bbox"]
        assert all(isinstance(v, float) for v in ann["bbox"]) and ann["area"] == w * h
    for im in data["images"]:
        with Image.open(Path(files.image_dir) / im["file_name"]) as img:
            assert img.mode == files.modes[im["id"]]
            assert img.size == (im["width"], im["height"])
            assert np.array_equal(np.asarray(img), files.pixels[im["id"]])
            rgb = F.pil_to_tensor(img.convert("RGB"))  # (3, H, W) uint8
        assert rgb.shape == (3, im["height"], im["width"])


def test_coco_crowd_rle_covers_its_box(tmp_path: Path) -> None:
    files = coco.write_coco(tmp_path)
    crowd = next(a for a in files.coco["annotations"] if a["iscrowd"])
    rle = crowd["segmentation"]
    h, w = rle["size"]
    values = np.concatenate([np.full(n, i % 2, dtype=bool) for i, n in enumerate(rle["counts"])])
    mask = values.reshape(w, h).T  # RLE runs over column-major pixels
    x, y, bw, bh = crowd["bbox"]
    assert mask.sum() == bw * bh and mask[int(y), int(x)] and not mask[0, 0]


def test_mnist_and_coco_do_not_import_torchvision() -> None:
    code = ("import sys\nimport torchdojo.datagen.mnist, torchdojo.datagen.coco\n"
            "print('TV' if 'torchvision' in sys.modules or 'torch' in sys.modules else 'OK')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "OK", out.stdout + out.stderr


def test_digits_equal_sklearn_without_importing_it() -> None:
    """datagen.digits reads scikit-learn's bundled file itself: the same 1797 images and labels
    as sklearn.datasets.load_digits, and sklearn is never imported (it costs a second)."""
    code = ("import sys\nfrom torchdojo.datagen.digits import load_digits\n"
            "x, y = load_digits()\n"
            "print(x.shape, x.dtype, y.dtype, 'sklearn' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "(1797, 8, 8) float32 int64 False", out.stdout + out.stderr
    from sklearn.datasets import load_digits as sklearn_digits

    from torchdojo.datagen.digits import load_digits

    images, labels = load_digits()
    ref = sklearn_digits()
    np.testing.assert_array_equal(images, ref.images.astype(np.float32))
    np.testing.assert_array_equal(labels, ref.target)
