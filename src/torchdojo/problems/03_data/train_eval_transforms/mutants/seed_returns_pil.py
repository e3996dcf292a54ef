"""Seed bug (S003-C16): no ToImage/ToDtype/Normalize, so a PIL image comes out, and no
separate eval pipeline (the augmentation runs at evaluation too)."""

from torchvision.transforms import v2


def build_transforms(size=64, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
    augment = v2.Compose([
        v2.RGB(),
        v2.RandomResizedCrop(size, antialias=True),
        v2.RandomHorizontalFlip(),
        v2.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2),
    ])
    return augment, augment
