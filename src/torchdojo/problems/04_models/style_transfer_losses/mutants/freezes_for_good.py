"""Freezes the network with requires_grad_(False) and never restores the flags: the caller's
extractor comes back frozen."""

import torch
import torch.nn.functional as F
from torch import nn


def gram_matrix(feats: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C, C): channel correlations, divided by C * H * W."""
    b, c, h, w = feats.shape
    f = feats.reshape(b, c, h * w)  # (B, C, HW); one row per channel, per image
    return torch.bmm(f, f.transpose(1, 2)) / (c * h * w)  # (B, C, C)


def content_loss(gen_feats: torch.Tensor, content_feats: torch.Tensor) -> torch.Tensor:
    """Mean squared error between two feature maps of the same shape."""
    return F.mse_loss(gen_feats, content_feats)


def style_loss(gen_feats_list: list[torch.Tensor], style_grams: list[torch.Tensor]
               ) -> torch.Tensor:
    """Sum over layers of the MSE between the generated image's Gram matrix and the target's."""
    pairs = zip(gen_feats_list, style_grams, strict=True)
    return sum(F.mse_loss(gram_matrix(f), g) for f, g in pairs)


def style_transfer(content: torch.Tensor, style: torch.Tensor,
                   extractor: nn.Module,
                   content_layers: list[str], style_layers: list[str], steps: int,
                   style_weight: float, content_weight: float, lr: float) -> torch.Tensor:
    """Optimise a copy of ``content`` with Adam so its features match content and style."""
    extractor.requires_grad_(False)
    # Targets, computed once: no graph, nothing for backward to reach in the network.
    with torch.no_grad():
        content_feats = extractor(content)
        style_feats = extractor(style)
        content_targets = [content_feats[n] for n in content_layers]
        style_grams = [gram_matrix(style_feats[n]) for n in style_layers]

    # The image is the only thing optimised; content itself is left alone.
    img = content.detach().clone().requires_grad_(True)  # (B, 3, H, W)
    opt = torch.optim.Adam([img], lr=lr)
    for _ in range(steps):
        feats = extractor(img)
        c_loss = sum(content_loss(feats[n], t)
                     for n, t in zip(content_layers, content_targets, strict=True))
        s_loss = style_loss([feats[n] for n in style_layers], style_grams)
        loss = content_weight * c_loss + style_weight * s_loss
        # Gradient for the image only: the network's parameters get no .grad at all.
        opt.zero_grad()
        loss.backward()
        opt.step()
    return img.detach()  # (B, 3, H, W), no graph
