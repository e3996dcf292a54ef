"""Stores the transform but never applies it: items are always PIL images."""

from pathlib import Path

from PIL import Image
from torch.utils.data import Dataset


class ImageLabelDataset(Dataset):
    def __init__(self, image_dir, label_file, transform=None):
        self.image_dir = Path(image_dir)
        self.transform = transform
        self.samples = []
        with open(label_file, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                name, label = line.rsplit(maxsplit=1)
                self.samples.append((name, int(label)))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        name, label = self.samples[idx]
        with Image.open(self.image_dir / name) as img:
            image = img.convert("RGB")
        return image, label
