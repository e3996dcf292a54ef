"""Probes for model_registry. Every version saved is a different seeded model (an MLP with a
BatchNorm1d whose running statistics were moved, and a Dropout), so versions can be told apart.
The probes save, list and load through the learner's registry, read and tamper with the files
on disk in the layout the statement fixes, and return what they saw: states, outputs, numbers,
exception names, file listings and the raw bytes of a weights file. The judges compare with the
reference's observations; the sha256 of a weights file is recomputed by the judge, outside the
learner's process, from the bytes the probe read."""

import hashlib
import json
import os
import tempfile

import torch
from torch import nn

from torchdojo.probes import compare, probe, raised

ENTRY_KEYS = ["architecture", "created", "metadata", "sha256", "version"]


def _arch(hidden: int = 8) -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                         nn.Dropout(0.25), nn.Linear(hidden, 3))


def _model(seed: int) -> nn.Sequential:
    """A seeded model whose weights and BatchNorm statistics differ from seed to seed."""
    torch.manual_seed(seed)
    model = _arch()
    g = torch.Generator().manual_seed(1000 + seed)
    with torch.no_grad():
        model(torch.randn(16, 4, generator=g) * 2 + 1)  # moves running_mean / running_var
    return model  # left in train mode, as during training


def _factory() -> nn.Sequential:
    return _arch()


def _x(seed: int = 7) -> torch.Tensor:
    return torch.randn(5, 4, generator=torch.Generator().manual_seed(seed))


def _state(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def _meta(i: int) -> dict:
    """JSON-able metadata: nested dicts, lists, floats, bools, None, non-ASCII text."""
    return {"metrics": {"val_loss": 0.1 + 0.123456789 * i, "val_acc": 0.8125 - 0.03 * i},
            "config": {"hidden": 8, "layers": [4, 8, 3], "lr": 3e-4},
            "note": f"第{i}版 run-{i}", "tags": ["baseline", f"v{i}"], "ok": i % 2 == 0,
            "parent": None if i == 1 else i - 1}


def _root() -> str:
    return os.path.join(tempfile.mkdtemp(), "registry")  # not there yet: the registry makes it


def _summary(model) -> dict:
    """What a loaded model holds and does."""
    if not isinstance(model, nn.Module):
        return {"type": type(model).__name__}
    with torch.no_grad():
        out = model(_x())
    return {"type": "Module", "state": _state(model), "out": out,
            "training": any(mod.training for mod in model.modules())}


def _entries(listing) -> object:
    """list_versions() reduced to plain data (created only by its type)."""
    if not isinstance(listing, list):
        return type(listing).__name__
    out = []
    for e in listing:
        if not isinstance(e, dict):
            out.append(type(e).__name__)
            continue
        out.append({"keys": sorted(e), "version": e.get("version"),
                    "metadata": e.get("metadata"), "architecture": e.get("architecture"),
                    "created": type(e.get("created")).__name__})
    return out


def _in_order(messages: dict[str, str]):
    """A judge comparing the observation key by key, exactly; the first difference explains."""

    def judge(got, ref):
        for key, text in messages.items():
            why = compare(got[key], ref[key], rtol=0, atol=0)
            if why:
                return f"{text} ({why})"
        return None

    return judge


_ROUND_TRIP = {
    "returned": "save() should return the new version numbers 1, 2, 3 as ints",
    "entries": "list_versions() is not the expected list of version entries",
    "v2": "load(factory, version=2) did not return version 2's model, in eval mode",
    "latest": "load(factory) did not return the newest version's model, in eval mode",
}


@probe(public=True, judge=_in_order(_ROUND_TRIP))
def three_versions_round_trip(m):
    "three different models saved with metadata; list_versions(); load version 2 and the latest"
    reg = m.ModelRegistry(_root())
    returned = [reg.save(_model(10 + i), _meta(i)) for i in (1, 2, 3)]
    entries = _entries(reg.list_versions())
    return {"returned": returned, "entries": entries,
            "v2": _summary(reg.load(_factory, version=2)), "latest": _summary(reg.load(_factory))}


def _write_state(path: str, state: dict) -> None:
    with open(path, "wb") as f:
        torch.save(state, f)


_TAMPER = {
    "perturbed": "a weights file replaced by other valid weights (one value moved by 1e-5) "
                 "should be refused",
    "truncated": "a truncated weights file should be refused with the integrity error, before "
                 "torch.load sees it",
    "garbage": "a weights file overwritten with random bytes should be refused with the "
               "integrity error",
    "intact": "an untouched version next to the tampered ones should still load",
}


@probe(public=True, judge=_in_order(_TAMPER))
def tampered_weights_refused(m):
    "weights files changed on disk after saving (other weights, truncated, random bytes)"
    root = _root()
    reg = m.ModelRegistry(root)
    for i in (1, 2, 3, 4):
        reg.save(_model(20 + i), _meta(i))
    # v1: a valid state dict of the right architecture, one weight nudged by 1e-5
    state = _state(_model(21))
    state["0.weight"][0, 0] += 1e-5
    _write_state(os.path.join(root, "v1", "weights.pt"), state)
    # v2: the last 64 bytes cut off
    path = os.path.join(root, "v2", "weights.pt")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-64])
    # v3: random bytes
    g = torch.Generator().manual_seed(3)
    with open(os.path.join(root, "v3", "weights.pt"), "wb") as f:
        f.write(torch.randint(0, 256, (2000,), generator=g, dtype=torch.uint8).numpy().tobytes())
    return {"perturbed": raised(lambda: reg.load(_factory, version=1)),
            "truncated": raised(lambda: reg.load(_factory, version=2)),
            "garbage": raised(lambda: reg.load(_factory, version=3)),
            "intact": _summary(reg.load(_factory, version=4))}


def _files_judge(got, ref):
    if got["listing"] != ref["listing"]:
        return f"root should hold exactly {ref['listing']}, got {got['listing']}"
    for v, files in enumerate(got["files"], start=1):
        if files != ref["files"][v - 1]:
            return f"root/v{v} should hold exactly {ref['files'][v - 1]}, got {files}"
    for v, (digest, data) in enumerate(zip(got["sha256"], got["bytes"], strict=True), start=1):
        if not isinstance(digest, str) or not isinstance(data, torch.Tensor) \
                or data.dtype != torch.uint8 or data.dim() != 1:
            return f"version {v}: the sha256 should be a str (got {type(digest).__name__})"
        actual = hashlib.sha256(data.numpy().tobytes()).hexdigest()
        if digest != actual:
            return (f"version {v}: the listed sha256 {digest[:16]!r}... is not the sha256 of the "
                    f"bytes of v{v}/weights.pt ({actual[:16]}...)")
    for key, text in (("on_disk", "v<N>/weights.pt, read with torch.load(weights_only=True), "
                                  "is not the saved model's state_dict"),
                      ("manifests", "v<N>/manifest.json, read with json.load, is not the entry "
                                    "list_versions() gives")):
        why = compare(got[key], ref[key], rtol=0, atol=0)
        if why:
            return f"{text} ({why})"
    return None


@probe(judge=_files_judge)
def files_on_disk(m):
    "the folder layout, the manifests and the sha256 of each weights file"
    root = _root()
    reg = m.ModelRegistry(root)
    for i in (1, 2, 3):
        reg.save(_model(30 + i), _meta(i))
    listing = reg.list_versions()
    names = sorted(os.listdir(root))
    files, digests, raw, on_disk, manifests = [], [], [], [], []
    for v in (1, 2, 3):
        folder = os.path.join(root, f"v{v}")
        files.append(sorted(os.listdir(folder)) if os.path.isdir(folder) else None)
        with open(os.path.join(folder, "weights.pt"), "rb") as f:
            raw.append(torch.frombuffer(bytearray(f.read()), dtype=torch.uint8))
        on_disk.append(torch.load(os.path.join(folder, "weights.pt"), weights_only=True))
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        entry = listing[v - 1] if isinstance(listing, list) and len(listing) >= v else None
        digests.append(entry.get("sha256") if isinstance(entry, dict) else None)
        manifests.append(manifest == entry)
    return {"listing": names, "files": files, "sha256": digests, "bytes": raw,
            "on_disk": on_disk, "manifests": manifests}


_MANY = {
    "returned": "save() should number the versions 1..12",
    "versions": "list_versions() should list versions 1..12 in ascending numeric order",
    "latest": "load(factory) should return version 12, the highest number",
    "v10": "load(factory, version=10) did not return version 10's model",
    "v2": "load(factory, version=2) did not return version 2's model",
}


@probe(judge=_in_order(_MANY))
def twelve_versions(m):
    "twelve versions: numbering, listing order, the latest, versions 10 and 2"
    reg = m.ModelRegistry(_root())
    returned = [reg.save(_model(40 + i), {"i": i}) for i in range(1, 13)]
    listing = reg.list_versions()
    versions = [e.get("version") for e in listing] if isinstance(listing, list) else listing
    return {"returned": returned, "versions": versions, "latest": _summary(reg.load(_factory)),
            "v10": _summary(reg.load(_factory, version=10)),
            "v2": _summary(reg.load(_factory, version=2))}


_REOPEN = {
    "returned": "versions are numbered from what is on disk: a new registry object on the same "
                "root, and an older one still in use, continue the numbering (expected 1..5)",
    "versions": "a registry reopened on the root should list versions 1..5",
    "states": "every version should still hold the model saved as it (none overwritten)",
}


@probe(judge=_in_order(_REOPEN))
def reopened_and_shared_root(m):
    "two saves, a new registry on the same root saves, then the old and the new object again"
    root = _root()
    first = m.ModelRegistry(root)
    returned = [first.save(_model(51), {"by": "first"}), first.save(_model(52), {"by": "first"})]
    second = m.ModelRegistry(root)
    returned.append(second.save(_model(53), {"by": "second"}))
    returned.append(first.save(_model(54), {"by": "first"}))
    returned.append(second.save(_model(55), {"by": "second"}))
    third = m.ModelRegistry(root)
    listing = third.list_versions()
    versions = [e.get("version") for e in listing] if isinstance(listing, list) else listing
    states = [_summary(third.load(_factory, version=v)) for v in (1, 2, 3, 4, 5)]
    return {"returned": returned, "versions": versions, "states": states}


class _Renamed(nn.Module):
    """The same shapes as _arch() under other names."""

    def __init__(self):
        super().__init__()
        self.fc1, self.bn, self.fc2 = nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


# each wrong factory, and the state-dict keys that differ from the saved architecture
_WRONG = {
    "wider": (lambda: _arch(16), ("0.weight", "0.bias", "1.weight", "4.weight")),
    "extra_layer": (lambda: nn.Sequential(*_arch(), nn.Linear(3, 3)), ("5.weight", "5.bias")),
    "missing_layer": (lambda: nn.Sequential(*list(_arch())[:4]), ("4.weight", "4.bias")),
    "renamed": (_Renamed, ("fc1.weight", "0.weight", "fc2.weight", "4.weight")),
}


def _arch_judge(got, ref):
    for case, (_, keys) in _WRONG.items():
        g, r = got[case], ref[case]
        if not isinstance(g, dict) or g.get("error") != r["error"]:
            err = g.get("error") if isinstance(g, dict) else g
            return (f"load with a factory of another architecture ({case}) should raise "
                    f"{r['error']} before loading, got {err}")
        if not isinstance(g.get("message"), str) or not any(k in g["message"] for k in keys):
            return (f"the error for the {case} factory should name a state-dict key that "
                    f"differs (one of {list(keys)}), got {str(g.get('message'))[:80]!r}")
    why = compare(got["matching"], ref["matching"], rtol=0, atol=0)
    return None if why is None else f"a factory of the same architecture should load ({why})"


@probe(judge=_arch_judge)
def architecture_mismatch(m):
    "factories of other architectures (wider, extra or missing layer, renamed) are refused clearly"
    root = _root()
    reg = m.ModelRegistry(root)
    reg.save(_model(61), _meta(1))
    reg.save(_model(62), _meta(2))
    out = {}
    for case, (factory, _) in _WRONG.items():
        if case == "renamed":  # the architecture is checked before the weights file is read
            with open(os.path.join(root, "v1", "weights.pt"), "wb") as f:
                f.write(b"not a weights file")
        try:
            reg.load(factory, version=1)
            out[case] = {"error": None, "message": None}
        except Exception as exc:  # noqa: BLE001 - the error and its message are the observation
            out[case] = {"error": type(exc).__name__, "message": str(exc)[:2000]}
    out["matching"] = _summary(reg.load(lambda: _arch(8), version=2))
    return out


class _Payload:
    """Unpickled by a full pickle load, it leaves a folder behind: the sign that code ran."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


_PICKLE = {
    "error": "a weights file with a pickled Python object (and a matching sha256) should be "
             "refused by torch.load(weights_only=True): let its error through",
    "ran": "loading that file ran the code hidden in it",
}


@probe(judge=_in_order(_PICKLE))
def pickled_object_refused(m):
    "a weights file holding a pickled object, its sha256 updated in the manifest, is refused"
    root = _root()
    reg = m.ModelRegistry(root)
    reg.save(_model(71), _meta(1))
    marker = os.path.join(tempfile.mkdtemp(), "code-ran")
    evil = {**_state(_model(71)), "_extra": _Payload(marker)}
    path = os.path.join(root, "v1", "weights.pt")
    _write_state(path, evil)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    manifest_path = os.path.join(root, "v1", "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["sha256"] = digest  # an attacker who can write the folder can fix the hash too
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f)
    error = raised(lambda: reg.load(_factory, version=1))
    return {"error": error, "ran": os.path.exists(marker)}


class _Unpicklable(torch.Tensor):
    """A buffer whose pickling fails: torch.save stops part-way through."""

    def __reduce_ex__(self, protocol):
        raise RuntimeError("simulated failure while writing the weights")


_FAILED = {
    "errors": "a save that fails should let its error through (the weights cannot be pickled; "
              "the metadata holds a set, a tensor)",
    "listing": "after the failed saves root should hold only the earlier version (no partial "
               "version, no temporary files)",
    "next": "the next successful save should get the next number",
    "versions": "list_versions() after the failed saves",
    "v2": "the version saved after the failures should load",
}


@probe(judge=_in_order(_FAILED))
def failed_saves_leave_nothing(m):
    "saves that fail (weights that cannot be pickled, metadata JSON cannot hold) change nothing"
    root = _root()
    reg = m.ModelRegistry(root)
    reg.save(_model(81), _meta(1))
    broken = _model(82)
    broken.register_buffer("extra", torch.zeros(3).as_subclass(_Unpicklable))
    errors = [raised(lambda: reg.save(broken, _meta(2))),
              raised(lambda: reg.save(_model(83), {"labels": {"cat", "dog"}})),
              raised(lambda: reg.save(_model(84), {"threshold": torch.tensor(0.5)}))]
    listing = sorted(os.listdir(root))
    nxt = reg.save(_model(85), _meta(2))
    listed = reg.list_versions()
    versions = [e.get("version") for e in listed] if isinstance(listed, list) else listed
    return {"errors": errors, "listing": listing, "next": nxt, "versions": versions,
            "v2": _summary(reg.load(_factory, version=2))}


_SNAPSHOT = {
    "after_save": "save() changed the caller's model (its weights or its train/eval mode)",
    "v1": "version 1 should hold the weights at the time of its save, not the model's later "
          "weights",
    "metadata": "a version's metadata should be what was passed at save time, whatever the "
                "caller does to the dict (or to a listed entry) afterwards",
    "fresh": "each load() should build a fresh model with the factory",
}


@probe(judge=_in_order(_SNAPSHOT))
def versions_are_snapshots(m):
    "the model and the metadata dict change after save(); a listed entry is edited; two loads"
    reg = m.ModelRegistry(_root())
    model, meta = _model(91), _meta(1)
    reg.save(model, meta)
    after_save = {"state": _state(model), "training": model.training}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)  # training goes on
    meta["metrics"]["val_loss"] = -1.0
    meta["tags"].append("edited")
    reg.save(model, {"i": 2})
    listing = reg.list_versions()
    if isinstance(listing, list) and listing and isinstance(listing[0], dict):
        listed = listing[0].get("metadata")
        if isinstance(listed, dict):
            listed["note"] = "edited after listing"
    relisted = reg.list_versions()
    metadata = relisted[0].get("metadata") if isinstance(relisted, list) and relisted else None
    a, b = reg.load(_factory, version=1), reg.load(_factory, version=1)
    return {"after_save": after_save, "v1": _summary(a), "metadata": metadata,
            "fresh": a is not b}


_MISSING = {
    "empty_list": "list_versions() of a new, empty registry should be []",
    "empty_load": "load(factory) on an empty registry should raise",
    "unknown": "load(factory, version=...) of a version that does not exist (2, 0, -1) should "
               "raise",
    "versions": "files that are not version folders in root should be ignored",
    "latest": "load(factory) with unrelated files in root",
}


@probe(judge=_in_order(_MISSING))
def unknown_versions_and_stray_files(m):
    "an empty registry; versions that do not exist; unrelated files and folders in root"
    root = _root()
    reg = m.ModelRegistry(root)
    empty_list = reg.list_versions()
    empty_load = raised(lambda: reg.load(_factory))
    reg.save(_model(95), _meta(1))
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("release notes\n")
    os.makedirs(os.path.join(root, ".staging-crashed"))
    os.makedirs(os.path.join(root, "v1_backup"))
    unknown = [raised(lambda v=v: reg.load(_factory, version=v)) for v in (2, 0, -1)]
    again = m.ModelRegistry(root)
    listing = again.list_versions()
    versions = [e.get("version") for e in listing] if isinstance(listing, list) else listing
    return {"empty_list": empty_list, "empty_load": empty_load, "unknown": unknown,
            "versions": versions, "latest": _summary(again.load(_factory))}
