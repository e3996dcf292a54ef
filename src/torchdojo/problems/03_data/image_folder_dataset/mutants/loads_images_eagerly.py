"""Reads every image in __init__ (keeping a missing file's error for its access): an image
changed on disk after construction is never seen, and a big folder is read whole up front."""


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
                self.samples.append((name, int(label)))
        # Reads every image up front; a missing one is remembered and raised on access.
        self._images: list = []
        for name, _ in self.samples:
            try:
                with Image.open(self.image_dir / name) as img:
                    self._images.append(img.convert("RGB"))
            except FileNotFoundError as e:
                self._images.append(e)

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, idx: int) -> tuple[Any, int]:
        _, label = self.samples[idx]
        image = self._images[idx]
        if isinstance(image, FileNotFoundError):
            raise image
        if self.transform is not None:
            image = self.transform(image)
        return image, label
