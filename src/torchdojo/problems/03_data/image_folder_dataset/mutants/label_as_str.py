"""Keeps the label as the string read from the file instead of an int."""

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
                self.samples.append((name, label))

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        name, label = self.samples[idx]
        with Image.open(self.image_dir / name) as img:
            image = img.convert("RGB")
        if self.transform is not None:
            image = self.transform(image)
        return image, label
