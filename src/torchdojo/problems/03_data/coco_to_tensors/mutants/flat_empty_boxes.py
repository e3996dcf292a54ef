"""torch.tensor of an empty list has shape (0,): an image with no annotations gets boxes of shape
(0,) instead of (0, 4), and code that indexes boxes[:, 0] or concatenates boxes breaks."""

import json
import os
from collections import defaultdict

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2 import functional as F


class CocoDetectionDataset(Dataset):
    def __init__(self, ann_file, image_dir, transforms=None):
        with open(ann_file, encoding="utf-8") as f:
            coco = json.load(f)
        self.image_dir = image_dir
        self.transforms = transforms
        self.images = coco["images"]
        ids = sorted(cat["id"] for cat in coco["categories"])
        self.label_of = {cat_id: label for label, cat_id in enumerate(ids, start=1)}
        self.anns_by_image = defaultdict(list)
        for ann in coco["annotations"]:
            self.anns_by_image[ann["image_id"]].append(ann)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        info = self.images[index]
        with Image.open(os.path.join(self.image_dir, info["file_name"])) as img:
            image = F.pil_to_tensor(img.convert("RGB"))
        image = F.to_dtype(image, torch.float32, scale=True)
        anns = [a for a in self.anns_by_image.get(info["id"], []) if not a.get("iscrowd", 0)]
        boxes = torch.tensor([[x, y, x + w, y + h] for x, y, w, h in (a["bbox"] for a in anns)],
                             dtype=torch.float32)
        labels = torch.tensor([self.label_of[a["category_id"]] for a in anns], dtype=torch.int64)
        target = {"boxes": boxes, "labels": labels, "image_id": info["id"]}
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target


def detection_collate(batch):
    images, targets = zip(*batch, strict=True)
    return list(images), list(targets)
