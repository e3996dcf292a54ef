"""Seed bug (S000-11): line.strip().split() breaks a file name with spaces into pieces,
and a blank line gives an empty entry; both fail when the item is unpacked."""

from pathlib import Path

from PIL import Image
from torch.utils.data import Dataset


class ImageLabelDataset(Dataset):
    def __init__(self, image_dir, label_file, transform=None):
        self.image_dir = Path(image_dir)
        self.transform = transform
        self.samples = []
        with open(label_file, encoding="utf-8") as f:
            self.samples = [line.strip().split() for line in f.readlines()]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        name, label = self.samples[idx]
        with Image.open(self.image_dir / name) as img:
            image = img.convert("RGB")
        if self.transform is not None:
            image = self.transform(image)
        return image, int(label)
