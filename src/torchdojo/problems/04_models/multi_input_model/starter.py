"""A classifier with two inputs: an image and a padded token sequence."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


class ImageTextClassifier(nn.Module):
    """images (B, C, H, W) and tokens (B, T) -> logits (B, num_classes)."""

    def __init__(self, vocab_size: int, embed_dim: int, num_classes: int, img_channels: int = 3,
                 pad_idx: int = 0) -> None:
        super().__init__()
        # TODO: self.conv1, self.conv2 (image encoder), self.embed (text encoder), self.head

    def forward(self, images: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        # TODO: image -> conv1 -> ReLU -> max-pool -> conv2 -> ReLU -> mean over H, W  (B, 32)
        # TODO: tokens -> embeddings -> mean over the non-pad tokens (zeros if none)  (B, E)
        # TODO: concatenate [image, text] and apply the head
        raise NotImplementedError
