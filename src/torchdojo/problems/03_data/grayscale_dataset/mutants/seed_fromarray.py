"""Seed bug (S000-15): Image.fromarray on items that are already CHW tensors (AttributeError:
a tensor has no __array_interface__), then the v1-style Grayscale + tensor conversion."""

import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms import v2

_GRAY = v2.Compose([v2.Grayscale(num_output_channels=1), v2.ToImage(),
                    v2.ToDtype(torch.float32, scale=True)])


class GrayscaleDataset(Dataset):
    def __init__(self, base):
        self.base = base

    def __len__(self):
        return len(self.base)

    def __getitem__(self, idx):
        image, label = self.base[idx]
        return _GRAY(Image.fromarray(image)), label
