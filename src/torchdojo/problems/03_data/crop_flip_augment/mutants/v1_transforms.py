"""The seed's legacy API (S000-13): torchvision.transforms (v1) RandomCrop, RandomHorizontalFlip
and ToTensor. ToTensor does not accept a uint8 image tensor, and v1 is not the v2 pipeline the
task asks for."""

from collections.abc import Callable

from torchvision import transforms as T


def build_augment(size: int, p_flip: float = 0.5, padding: int = 0) -> Callable:
    """A v1 pipeline mapping an RGB image to a float32 (3, size, size) tensor in [0, 1]."""
    return T.Compose([
        T.RandomCrop(size, padding=padding, pad_if_needed=True),
        T.RandomHorizontalFlip(p=p_flip),
        T.ToTensor(),  # PIL -> float32 (3, H, W) in [0, 1]
    ])
