"""A COCO detection Dataset: image tensors and target dicts of boxes/labels, plus a collate_fn."""

import json  # noqa: F401 - for your code
import os  # noqa: F401 - for your code
from collections.abc import Callable

import torch
from PIL import Image  # noqa: F401 - for your code
from torch.utils.data import Dataset


class CocoDetectionDataset(Dataset):
    """Item i: (image float32 (3, H, W) in [0, 1], {'boxes', 'labels', 'image_id'}) for the i-th
    entry of the JSON's ``images`` list; crowd annotations (iscrowd = 1) are left out."""

    def __init__(self, ann_file: str, image_dir: str, transforms: Callable | None = None) -> None:
        # TODO: read the JSON; keep the images list, image_dir and transforms
        # TODO: map category ids to labels 1..K in sorted id order
        # TODO: group the annotations by image id, once
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO: the number of images
        raise NotImplementedError

    def __getitem__(self, index: int) -> tuple[torch.Tensor, dict]:
        # TODO: open the image, convert to RGB, make it float32 (3, H, W) in [0, 1]
        # TODO: boxes float32 (N, 4) as [x1, y1, x2, y2], labels int64 (N,), crowd skipped
        # TODO: apply self.transforms(image, target) when given
        raise NotImplementedError


def detection_collate(batch: list[tuple[torch.Tensor, dict]]) -> tuple[list, list]:
    """([image, ...], [target, ...]) for a batch, nothing stacked."""
    # TODO: split the batch into a list of images and a list of targets
    raise NotImplementedError
