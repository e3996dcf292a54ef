"""Probes for grayscale_dataset: BT.601 values for float/uint8/PIL inputs, labels, laziness."""

import numpy as np
import torch
from PIL import Image
from torch.utils.data import DataLoader

from torchdojo.probes import compare, probe

# Absolute tolerance on gray values in [0, 1]: a little more than 1/255, so rounding to 8 bits
# (PIL's "L" mode, torchvision on uint8) and torchvision's 0.2989 for 0.299 are accepted.
ATOL = 0.005


class _Counting:
    """A base dataset that counts how often each index is read."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls: dict[int, int] = {}

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, idx: int):
        if not 0 <= idx < self.n:
            raise IndexError(idx)
        self.calls[idx] = self.calls.get(idx, 0) + 1
        g = torch.Generator().manual_seed(idx)
        return torch.rand(3, 4, 5, generator=g), idx % 10


def _items(ds):
    return [ds[i] for i in range(len(ds))]


@probe(public=True, rtol=0.0, atol=ATOL)
def float_images(m):
    "float32 (3, H, W) images in [0, 1]: each item is ((1, H, W) float32 gray, label)"
    base = [(torch.rand(3, 5, 7), i) for i in range(4)]
    return _items(m.GrayscaleDataset(base))


@probe(rtol=0.0, atol=ATOL)
def pure_colours(m):
    "pure red, green, blue, white and black pixels get their luminance"
    img = torch.tensor([[1.0, 0.0, 0.0, 1.0, 0.0],
                        [0.0, 1.0, 0.0, 1.0, 0.0],
                        [0.0, 0.0, 1.0, 1.0, 0.0]]).view(3, 1, 5)
    return m.GrayscaleDataset([(img, 0)])[0]


@probe(rtol=0.0, atol=ATOL)
def uint8_images(m):
    "uint8 (3, H, W) images with values 0..255 are scaled to [0, 1]"
    base = [(torch.randint(0, 256, (3, 6, 4), dtype=torch.uint8), 7 - i) for i in range(3)]
    return _items(m.GrayscaleDataset(base))


@probe(rtol=0.0, atol=ATOL)
def normalised_images(m):
    "float images normalised to [-1, 1] (as after Normalize(0.5, 0.5)) are used as they are"
    base = [(torch.rand(3, 4, 4) * 2 - 1, i) for i in range(2)]
    return _items(m.GrayscaleDataset(base))


@probe(rtol=0.0, atol=ATOL)
def float64_input(m):
    "a float64 image still gives a float32 (1, H, W) result"
    return m.GrayscaleDataset([(torch.rand(3, 3, 8, dtype=torch.float64), 1)])[0]


@probe(rtol=0.0, atol=ATOL)
def pil_images(m):
    "PIL images (RGB, RGBA and L) become (1, H, W) float32 gray tensors in [0, 1]"
    rng = np.random.default_rng(3)
    rgb = Image.fromarray(rng.integers(0, 256, (5, 6, 3), dtype=np.uint8))
    rgba = Image.fromarray(rng.integers(0, 256, (4, 4, 4), dtype=np.uint8))
    gray = Image.fromarray(rng.integers(0, 256, (3, 7), dtype=np.uint8))
    base = [(rgb, 0), (rgba, 1), (gray, 2)]
    return _items(m.GrayscaleDataset(base))


@probe(rtol=0.0, atol=ATOL)
def pil_other_modes(m):
    "PIL images in palette (P), gray+alpha (LA) and 1-bit modes give their RGB luminance"
    rng = np.random.default_rng(5)
    pal = Image.fromarray(rng.integers(0, 256, (4, 5, 3), dtype=np.uint8)).quantize(6)
    la = Image.fromarray(rng.integers(0, 256, (3, 4, 2), dtype=np.uint8), mode="LA")
    bits = Image.fromarray(rng.integers(0, 256, (4, 3), dtype=np.uint8)).convert("1")
    return _items(m.GrayscaleDataset([(pal, 0), (la, 1), (bits, 2)]))


@probe(rtol=0.0, atol=ATOL)
def non_contiguous_images(m):
    "(3, H, W) views of (H, W, 3) arrays (non-contiguous), float32 and uint8"
    hwc = torch.rand(5, 4, 3)
    hwc8 = torch.randint(0, 256, (3, 6, 3), dtype=torch.uint8)
    base = [(hwc.permute(2, 0, 1), 0), (hwc8.permute(2, 0, 1), 1),
            (torch.rand(3, 8, 6)[:, ::2, 1::2], 2)]
    return _items(m.GrayscaleDataset(base))


@probe(rtol=0.0, atol=0.0)
def base_unchanged(m):
    "reading items leaves the base dataset's float32 and uint8 images as they were"
    images = [torch.rand(3, 3, 4), torch.randint(0, 256, (3, 2, 5), dtype=torch.uint8),
              torch.rand(3, 2, 2) * 2 - 1]
    before = [img.clone() for img in images]
    ds = m.GrayscaleDataset([(img, i) for i, img in enumerate(images)])
    _items(ds)
    return [(a, b) for a, b in zip(before, images, strict=True)]


@probe
def labels_preserved(m):
    "labels of any kind (int, str, tensor) come back unchanged, in order"
    img = torch.rand(3, 2, 2)
    labels = [3, "cat", torch.tensor([1, 0, 1]), 0]
    ds = m.GrayscaleDataset([(img, lab) for lab in labels])
    return [ds[i][1] for i in range(len(ds))]


@probe
def length(m):
    "len() of the wrapper equals len() of the base dataset"
    return [len(m.GrayscaleDataset(_Counting(n))) for n in (1, 13, 50)]


def _lazy_judge(got, ref):
    if got["after_init"] != 0:
        return (f"wrapping a dataset of 20 items read {got['after_init']} of its items "
                "before any was asked for: convert each item only in __getitem__")
    if got["calls"] != ref["calls"]:
        return (f"after asking for items 3, 3 and 5 the base dataset's __getitem__ was called "
                f"{got['calls']} times per index; expected {ref['calls']} (once per access)")
    return compare(got["item"], ref["item"], rtol=0.0, atol=ATOL, path="item")


@probe(judge=_lazy_judge)
def lazy(m):
    "wrapping reads no item; each access reads the base dataset exactly once"
    base = _Counting(20)
    ds = m.GrayscaleDataset(base)
    after_init = sum(base.calls.values())
    ds[3]
    item = ds[3]
    ds[5]
    calls = {str(k): v for k, v in sorted(base.calls.items())}
    return {"after_init": after_init, "calls": calls, "item": item}


@probe(rtol=0.0, atol=ATOL)
def dataloader_batches(m):
    "a DataLoader (batch_size=4) over the wrapper yields (4, 1, H, W) images and label tensors"
    base = _Counting(8)
    loader = DataLoader(m.GrayscaleDataset(base), batch_size=4, shuffle=False)
    return [(images, labels) for images, labels in loader]
