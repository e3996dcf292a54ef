"""MUTANT: reads the highest version once, in ``__init__``, and counts on in memory: two registry
objects on one root hand out the same number, and the second save replaces the first."""

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable

import torch
from torch import nn

_VERSION_DIR = re.compile(r"v([1-9][0-9]*)")


def _signature(model: nn.Module) -> dict[str, list[int]]:
    """Every state-dict entry (parameters and buffers) with its shape."""
    return {k: list(v.shape) for k, v in model.state_dict().items()}


class ModelRegistry:
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        os.makedirs(self.root, exist_ok=True)
        self._last = (self._versions() or [0])[-1]

    def _versions(self) -> list[int]:
        """Version numbers on disk, as ints, ascending (v10 after v9, not after v1)."""
        found = []
        for name in os.listdir(self.root):
            match = _VERSION_DIR.fullmatch(name)
            if match and os.path.isfile(os.path.join(self.root, name, "manifest.json")):
                found.append(int(match.group(1)))
        return sorted(found)

    def _manifest(self, version: int) -> dict:
        with open(os.path.join(self.root, f"v{version}", "manifest.json"), encoding="utf-8") as f:
            return json.load(f)

    def save(self, model: nn.Module, metadata: dict) -> int:
        """Store a new version of ``model``'s weights with ``metadata``; return its number."""
        # serialise everything in memory first: a bad metadata dict fails before any write
        buf = io.BytesIO()
        torch.save(model.state_dict(), buf)
        weights = buf.getvalue()
        entry = {
            "sha256": hashlib.sha256(weights).hexdigest(),  # of the exact bytes on disk
            "created": time.time(),
            "metadata": metadata,
            "architecture": _signature(model),
        }
        json.dumps(entry)  # TypeError here for metadata JSON cannot hold
        # stage the version in a hidden folder of root (same filesystem: rename is atomic)
        staging = tempfile.mkdtemp(dir=self.root, prefix=".staging-")
        try:
            with open(os.path.join(staging, "weights.pt"), "wb") as f:
                f.write(weights)
            self._last += 1
            version = self._last
            while True:
                target = os.path.join(self.root, f"v{version}")
                shutil.rmtree(target, ignore_errors=True)
                with open(os.path.join(staging, "manifest.json"), "w", encoding="utf-8") as f:
                    json.dump({"version": version, **entry}, f, ensure_ascii=False)
                try:
                    os.rename(staging, target)  # the version appears whole, or not at all
                    return version
                except OSError:
                    if not os.path.exists(target):
                        raise
                    # another registry took this number meanwhile: try the next one
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone after a rename; cleanup otherwise

    def list_versions(self) -> list[dict]:
        """Every version's manifest, read from disk, ascending by version."""
        return [self._manifest(v) for v in self._versions()]

    def load(self, model_factory: Callable[[], nn.Module], version: int | None = None
             ) -> nn.Module:
        """A fresh model from ``model_factory`` with ``version``'s weights (default: latest)."""
        versions = self._versions()
        if version is None:
            if not versions:
                raise KeyError("the registry is empty")
            version = versions[-1]  # the highest number, not the first listed
        if version not in versions:
            raise KeyError(f"no version {version!r} in {self.root}")
        manifest = self._manifest(version)
        # 1. the architecture, before any weights are read
        model = model_factory()
        have, want = _signature(model), manifest["architecture"]
        if have != want:
            missing = sorted(set(want) - set(have))
            unexpected = sorted(set(have) - set(want))
            shapes = sorted(k for k in set(want) & set(have) if want[k] != have[k])
            raise ValueError(f"architecture mismatch with version {version}: missing keys "
                             f"{missing}, unexpected keys {unexpected}, other shapes {shapes}")
        # 2. the integrity of the weights file
        with open(os.path.join(self.root, f"v{version}", "weights.pt"), "rb") as f:
            weights = f.read()
        if hashlib.sha256(weights).hexdigest() != manifest["sha256"]:
            raise ValueError(f"version {version}: weights file does not match its sha256")
        # 3. plain tensors only, from the bytes just verified (no second read of the file)
        state = torch.load(io.BytesIO(weights), map_location="cpu", weights_only=True)
        model.load_state_dict(state)  # strict
        return model.eval()  # ready for inference
