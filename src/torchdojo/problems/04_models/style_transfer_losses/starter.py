"""Neural style transfer: Gram-matrix style loss, feature content loss, and optimising the image."""

import torch
import torch.nn.functional as F  # noqa: F401
from torch import nn


def gram_matrix(feats: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C, C): channel correlations, divided by C * H * W."""
    # TODO: one (C, H*W) matrix per image; F @ F^T; normalise
    raise NotImplementedError


def content_loss(gen_feats: torch.Tensor, content_feats: torch.Tensor) -> torch.Tensor:
    """Mean squared error between two feature maps of the same shape."""
    # TODO
    raise NotImplementedError


def style_loss(gen_feats_list: list[torch.Tensor], style_grams: list[torch.Tensor]
               ) -> torch.Tensor:
    """Sum over layers of the MSE between the generated image's Gram matrix and the target's."""
    # TODO
    raise NotImplementedError


def style_transfer(content: torch.Tensor, style: torch.Tensor, extractor: nn.Module,
                   content_layers: list[str], style_layers: list[str], steps: int,
                   style_weight: float, content_weight: float, lr: float) -> torch.Tensor:
    """Optimise a copy of ``content`` with Adam so its features match content and style."""
    # TODO: the targets, once, with no graph: content features and style Gram matrices
    # TODO: the image to optimise: a clone of content that requires grad; Adam on it alone
    # TODO: each step: features of the image, the weighted total loss, a gradient for the
    #       image only (the extractor's parameters get no .grad and do not change), a step
    # TODO: return the image detached
    raise NotImplementedError
