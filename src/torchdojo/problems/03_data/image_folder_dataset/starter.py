"""A Dataset over an image folder and a label file of `<file name> <int label>` lines."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image
from torch.utils.data import Dataset


class ImageLabelDataset(Dataset):
    """Item i is (image i as RGB, transformed if a transform is given, label i as int)."""

    def __init__(self, image_dir: str | Path, label_file: str | Path,
                 transform: Callable[[Image.Image], Any] | None = None) -> None:
        # TODO: keep image_dir and transform
        # TODO: read the label file: skip blank lines; the label is the last whitespace-separated
        #       field, the file name is everything before it (it may contain spaces)
        raise NotImplementedError

    def __len__(self) -> int:
        # TODO: one item per non-blank line of the label file
        raise NotImplementedError

    def __getitem__(self, idx: int) -> tuple[Any, int]:
        # TODO: open the image with PIL and convert it to RGB (a missing file must raise
        #       FileNotFoundError here)
        # TODO: apply the transform if there is one; return (image, label as int)
        raise NotImplementedError
