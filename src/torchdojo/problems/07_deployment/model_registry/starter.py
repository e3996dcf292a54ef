"""A small on-disk model registry: numbered versions, integrity hashes, architecture checks."""

import hashlib  # noqa: F401 - for your code
import io  # noqa: F401 - for your code
import json  # noqa: F401 - for your code
import os
import shutil  # noqa: F401 - for your code
import tempfile  # noqa: F401 - for your code
import time  # noqa: F401 - for your code
from collections.abc import Callable

import torch
from torch import nn


class ModelRegistry:
    def __init__(self, root: str) -> None:
        self.root = root
        os.makedirs(root, exist_ok=True)

    def save(self, model: nn.Module, metadata: dict) -> int:
        """Store a new version of ``model``'s weights with ``metadata``; return its number."""
        # TODO: the next version number (from what is on disk now)
        # TODO: weights.pt = torch.save(model.state_dict()); manifest.json = version, sha256 of
        #       the weights file's bytes, created, metadata, architecture {key: shape}
        # TODO: stage both in a temporary folder inside root, then rename it to root/v<N>
        torch.save(model.state_dict(), os.path.join(self.root, "model_v1.pth"))
        return 1

    def list_versions(self) -> list[dict]:
        """Every version's manifest, read from disk, ascending by version."""
        # TODO
        return []

    def load(self, model_factory: Callable[[], nn.Module], version: int | None = None
             ) -> nn.Module:
        """A fresh model from ``model_factory`` with ``version``'s weights (default: latest)."""
        # TODO: KeyError for an unknown version; ValueError for another architecture (checked
        #       before reading the weights) and for a weights file that fails its sha256
        # TODO: torch.load(..., weights_only=True), strict load_state_dict, eval mode
        model = model_factory()
        model.load_state_dict(torch.load(os.path.join(self.root, "model_v1.pth")))
        return model
