"""Drops lines whose image file does not exist while reading the label file: len() is too small
and the indices of later items shift, instead of raising FileNotFoundError on access."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image
from torch.utils.data import Dataset


class ImageLabelDataset(Dataset):
    """Item i is (image i as RGB, transformed if a transform is given, label i as int)."""

    def __init__(self, image_dir: str | Path, label_file: str | Path,
                 transform: Callable[[Image.Image], Any] | None = None) -> None:
        self.image_dir = Path(image_dir)
        self.transform = transform
        self.samples: list[tuple[str, int]] = []  # (file name, label)
        with open(label_file, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue  # blank lines, and the one after the final newline
                # Split on the LAST run of whitespace: the file name may itself contain spaces.
                name, label = line.rsplit(maxsplit=1)
                if (self.image_dir / name).is_file():
                    self.samples.append((name, int(label)))

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, idx: int) -> tuple[Any, int]:
        name, label = self.samples[idx]
        # Opening a listed file that does not exist raises FileNotFoundError, here, on access.
        with Image.open(self.image_dir / name) as img:
            # L, RGBA, P, CMYK ... all become 3-channel RGB; convert() also reads the pixels,
            # so the file can be closed at the end of the with-block.
            image = img.convert("RGB")
        if self.transform is not None:
            image = self.transform(image)
        return image, label
