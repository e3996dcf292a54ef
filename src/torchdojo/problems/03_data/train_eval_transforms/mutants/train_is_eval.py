"""No augmentation: the training pipeline is the deterministic eval pipeline."""

import torch
from torchvision.transforms import v2


def build_transforms(size=64, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    evaluate = v2.Compose([
        v2.RGB(),
        v2.ToImage(),
        v2.Resize(size, antialias=True),
        v2.CenterCrop(size),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(list(mean), list(std)),
    ])
    return evaluate, evaluate
