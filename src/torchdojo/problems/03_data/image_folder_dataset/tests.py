"""Probes for image_folder_dataset: real PNG/JPEG files of mixed modes and sizes on disk."""

import tempfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader, default_collate
from torchvision.transforms import v2

from torchdojo.probes import probe, raised

# (file name, PIL mode, (width, height), label); the format follows the extension.
_MAIN = [
    ("cat_01.png", "RGB", (12, 9), 3),
    ("dog_02.jpg", "RGB", (16, 10), 1),
    ("gray.png", "L", (8, 8), 0),
    ("alpha.png", "RGBA", (10, 7), 2),
    ("palette.png", "P", (9, 11), 4),
    ("scan.jpg", "L", (14, 6), 5),
    ("wide.png", "RGB", (20, 5), 12),
    ("tiny.jpeg", "RGB", (7, 13), 7),
]


def _image(mode: str, size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    w, h = size
    rgb = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    if mode == "L":
        return Image.fromarray(rgb[..., 0])
    if mode == "RGBA":
        alpha = rng.integers(0, 256, (h, w, 1), dtype=np.uint8)
        return Image.fromarray(np.concatenate([rgb, alpha], axis=2))
    if mode == "P":
        return Image.fromarray(rgb).quantize(colors=6)
    return Image.fromarray(rgb)


def _folder(specs, label_text: str | None = None, skip: tuple[str, ...] = ()):
    """Write the images (seeded) and labels.txt under a fresh temp dir: (image_dir, label_file)."""
    root = Path(tempfile.mkdtemp())
    image_dir = root / "images"
    image_dir.mkdir()
    rng = np.random.default_rng(11)
    for name, mode, size, _ in specs:
        img = _image(mode, size, rng)
        if name not in skip:
            img.save(image_dir / name)
    if label_text is None:
        label_text = "".join(f"{name} {label}\n" for name, _, _, label in specs)
    (root / "labels.txt").write_text(label_text, encoding="utf-8")
    return image_dir, root / "labels.txt"


_TO_FLOAT = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])


@probe(public=True)
def length_and_labels(m):
    "len() and every label (as int) for a folder of 8 PNG/JPEG files and labels.txt"
    image_dir, label_file = _folder(_MAIN)
    ds = m.ImageLabelDataset(image_dir, label_file)
    return {"len": len(ds), "labels": [ds[i][1] for i in range(len(ds))]}


@probe
def rgb_pil_without_transform(m):
    "without a transform each image is a PIL image in mode RGB, with its file's (width, height)"
    image_dir, label_file = _folder(_MAIN)
    ds = m.ImageLabelDataset(str(image_dir), str(label_file))
    out = []
    for i in range(len(ds)):
        img = ds[i][0]
        out.append({"is_pil_image": isinstance(img, Image.Image),
                    "mode": getattr(img, "mode", None), "size": getattr(img, "size", None)})
    return out


@probe
def pixels_with_v2_transform(m):
    "with Compose([ToImage(), ToDtype(float32, scale=True)]) each image is (3, H, W) float32"
    image_dir, label_file = _folder(_MAIN)
    ds = m.ImageLabelDataset(image_dir, label_file, transform=_TO_FLOAT)
    return [ds[i] for i in range(len(ds))]


@probe
def transform_gets_rgb_pil_once(m):
    "the transform is called once per access (again on a repeated access), on the RGB PIL image"
    image_dir, label_file = _folder(_MAIN)
    calls = []

    def record(img):
        calls.append([isinstance(img, Image.Image), getattr(img, "mode", None),
                      getattr(img, "size", None)])
        return f"transformed #{len(calls)}"

    ds = m.ImageLabelDataset(image_dir, label_file, transform=record)
    items = [ds[i][0] for i in (2, 4, 0, 2)]
    return {"items": items, "calls": calls}


@probe
def images_read_on_access(m):
    "images are read when an item is accessed: a file replaced after construction is what comes back"
    image_dir, label_file = _folder(_MAIN)
    ds = m.ImageLabelDataset(image_dir, label_file, transform=_TO_FLOAT)
    before = ds[0][0]
    # Overwrite cat_01.png with other pixels and another size: an eager or cached dataset
    # returns the old image.
    rng = np.random.default_rng(23)
    _image("RGB", (5, 4), rng).save(image_dir / "cat_01.png")
    return {"before": before, "after": ds[0][0]}


@probe
def names_with_spaces_and_tabs(m):
    "file names containing spaces, and a tab between name and label"
    specs = [("my cat.png", "RGB", (6, 5), 8), ("holiday photo 2024.jpg", "RGB", (9, 4), 6),
             ("plain.png", "L", (5, 5), 11)]
    text = "my cat.png 8\nholiday photo 2024.jpg 6\nplain.png\t11\n"
    image_dir, label_file = _folder(specs, text)
    ds = m.ImageLabelDataset(image_dir, label_file, transform=_TO_FLOAT)
    return [ds[i] for i in range(len(ds))]


@probe
def blank_lines_ignored(m):
    "blank and whitespace-only lines (middle and end, CRLF endings) are not items"
    specs = _MAIN[:4]
    text = ("cat_01.png 3\r\n\r\ndog_02.jpg 1\r\n   \r\ngray.png 0\r\n"
            "alpha.png 2\r\n\r\n\r\n")
    image_dir, label_file = _folder(specs, text)
    ds = m.ImageLabelDataset(image_dir, label_file)
    return {"len": len(ds), "labels": [ds[i][1] for i in range(len(ds))],
            "modes": [ds[i][0].mode for i in range(len(ds))]}


@probe
def missing_image_raises_on_access(m):
    "a listed image that is missing: the dataset builds, and reading that item raises"
    image_dir, label_file = _folder(_MAIN, skip=("gray.png",))
    ds = m.ImageLabelDataset(image_dir, label_file)
    return {"len": len(ds), "missing_item": raised(lambda: ds[2]),
            "next_label": ds[3][1], "previous_label": ds[1][1]}


@probe
def dataloader_batches_with_resize(m):
    "a DataLoader(batch_size=3) over the dataset with a Resize((8, 8)) transform batches it"
    image_dir, label_file = _folder(_MAIN)
    tf = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Resize((8, 8))])
    loader = DataLoader(m.ImageLabelDataset(image_dir, label_file, transform=tf), batch_size=3)
    return [(images, labels) for images, labels in loader]


def _collate_judge(got, ref):
    if got == ref:
        return None
    if got is None:
        return ("default_collate batched two items of the dataset built without a transform: "
                "without a transform the items should hold PIL images, which it cannot batch")
    return f"default_collate raised {got}, expected {ref} (it cannot batch PIL images)"


@probe(judge=_collate_judge)
def default_collate_needs_a_transform(m):
    "without a transform, default_collate refuses a batch (PIL images are not batchable)"
    image_dir, label_file = _folder(_MAIN)
    ds = m.ImageLabelDataset(image_dir, label_file)
    return raised(lambda: default_collate([ds[0], ds[1]]))
