"""A mini COCO detection set: an ``instances`` JSON in the real schema and the PNGs it names.

COCO's ``instances_*.json`` has ``images`` (id, file_name, width, height), ``annotations`` (id,
image_id, category_id, ``bbox`` as ``[x, y, width, height]`` floats in pixels from the top-left
corner, ``area``, ``iscrowd``, ``segmentation``) and ``categories`` (id, name, supercategory).
The set written here is small but keeps the traps of the real one:

- category ids are not contiguous (1, 3, 18: COCO's 80 classes have ids up to 90), and the
  ``categories`` list is not sorted by id;
- image ids are not 0..N-1, and the annotations are not grouped by image;
- one image has no annotation at all; one annotation is a crowd region (``iscrowd = 1``, with
  an RLE segmentation, as in COCO);
- the images are not all RGB: one is grayscale ("L") and one has an alpha channel ("RGBA"),
  as a few real COCO files are grayscale.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

# Listed out of id order on purpose: a label mapping must sort the ids.
CATEGORIES = [
    {"id": 18, "name": "dog", "supercategory": "animal"},
    {"id": 1, "name": "person", "supercategory": "person"},
    {"id": 3, "name": "car", "supercategory": "vehicle"},
]
# (id, width, height, PIL mode); the dataset's order is this order.
IMAGES = [(724, 36, 20, "RGB"), (139, 40, 30, "L"), (285, 24, 24, "RGB"), (632, 32, 48, "RGBA")]
# (image_id, category_id, bbox xywh, iscrowd), interleaved across images like the real file.
ANNOTATIONS = [
    (139, 3, [0.0, 0.0, 15.5, 12.0], 0),
    (724, 18, [2.5, 3.0, 10.25, 8.0], 0),
    (632, 1, [4.0, 6.5, 20.0, 30.25], 0),
    (139, 1, [5.0, 5.0, 30.0, 20.0], 1),
    (724, 1, [20.0, 1.5, 12.0, 16.0], 0),
    (139, 18, [22.75, 10.0, 16.0, 19.5], 0),
]


@dataclass(frozen=True)
class CocoFiles:
    """What :func:`write_coco` wrote."""

    root: str
    ann_file: str  # root/annotations/instances_mini.json
    image_dir: str  # root/images
    coco: dict[str, Any]  # the JSON content, as written
    pixels: dict[int, np.ndarray]  # image id -> uint8 array as saved: (H, W) or (H, W, C)
    modes: dict[int, str]  # image id -> PIL mode of the PNG


def _rle(mask: np.ndarray) -> dict[str, Any]:
    """COCO's uncompressed RLE of a binary mask: run lengths over the column-major
    (Fortran-order) pixels, starting with a run of zeros."""
    flat = mask.flatten(order="F").astype(np.int8)
    edges = np.flatnonzero(np.diff(flat)) + 1  # where the value changes
    runs = np.diff(np.concatenate([[0], edges, [flat.size]]))
    counts = runs.tolist() if flat[0] == 0 else [0, *runs.tolist()]
    return {"counts": counts, "size": list(mask.shape)}


def _segmentation(bbox: list[float], iscrowd: int, height: int, width: int) -> Any:
    x, y, w, h = bbox
    if not iscrowd:
        return [[x, y, x + w, y, x + w, y + h, x, y + h]]  # one polygon: the box's corners
    mask = np.zeros((height, width), dtype=bool)
    mask[int(y):int(np.ceil(y + h)), int(x):int(np.ceil(x + w))] = True
    return _rle(mask)


def write_coco(root: str | os.PathLike[str], seed: int = 0) -> CocoFiles:
    """Write ``root/annotations/instances_mini.json`` and ``root/images/<id>.png``.

    The layout (images, boxes, categories) is fixed; the pixels are random for ``seed``.
    """
    rng = np.random.default_rng(seed)
    root = os.fspath(root)
    image_dir = os.path.join(root, "images")
    ann_dir = os.path.join(root, "annotations")
    os.makedirs(image_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)

    images, pixels, modes, sizes = [], {}, {}, {}
    for image_id, width, height, mode in IMAGES:
        channels = {"L": (), "RGB": (3,), "RGBA": (4,)}[mode]
        array = rng.integers(0, 256, size=(height, width, *channels), dtype=np.uint8)
        file_name = f"{image_id:012d}.png"  # COCO names files by zero-padded id
        Image.fromarray(array).save(os.path.join(image_dir, file_name))
        images.append({"id": image_id, "file_name": file_name, "width": width,
                       "height": height, "license": 1})
        pixels[image_id], modes[image_id], sizes[image_id] = array, mode, (height, width)

    annotations = []
    for ann_id, (image_id, category_id, bbox, iscrowd) in enumerate(ANNOTATIONS, start=1):
        annotations.append({
            "id": ann_id,
            "image_id": image_id,
            "category_id": category_id,
            "bbox": bbox,
            "area": bbox[2] * bbox[3],
            "iscrowd": iscrowd,
            "segmentation": _segmentation(bbox, iscrowd, *sizes[image_id]),
        })

    coco = {
        "info": {"description": "torchdojo mini COCO", "version": "1.0", "year": 2024},
        "licenses": [{"id": 1, "name": "CC BY 4.0", "url": ""}],
        "images": images,
        "annotations": annotations,
        "categories": CATEGORIES,
    }
    ann_file = os.path.join(ann_dir, "instances_mini.json")
    with open(ann_file, "w", encoding="utf-8") as f:
        json.dump(coco, f)
    return CocoFiles(root=root, ann_file=ann_file, image_dir=image_dir, coco=coco,
                     pixels=pixels, modes=modes)
