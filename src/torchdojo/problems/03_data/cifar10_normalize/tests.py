"""Probes for cifar10_normalize: channel statistics and normalised loaders over a tiny CIFAR-10
written in the real cifar-10-batches-py format (torchdojo.datagen.cifar)."""

import tempfile

import torch
from torch.utils.data import TensorDataset

from torchdojo.probes import compare, probe

BATCH = 8  # 5 x 4 = 20 training images -> batches of 8, 8, 4; 6 test images -> one batch
STATS_TOL = {"rtol": 1e-4, "atol": 1e-6}
PIXEL_TOL = {"rtol": 1e-4, "atol": 1e-5}


def _fake_cifar(seed: int = 0):
    """Write a tiny CIFAR-10 under a fresh temp dir; return (files, reader class without md5)."""
    from torchdojo.datagen import cifar

    files = cifar.write_cifar10(tempfile.mkdtemp(), n_per_batch=4, n_test=6, seed=seed)
    return files, cifar.UncheckedCIFAR10


def _as_unit(data) -> torch.Tensor:
    """uint8 rows (N, 3072) -> float64 (N, 3, 1024) on the [0, 1] scale."""
    return torch.from_numpy(data).double().div(255).view(-1, 3, 1024)


def _alternatives(x: torch.Tensor) -> dict:
    """Plausible wrong statistics of x (N, 3, P), for the judge's hints."""
    per_channel = x.transpose(0, 1).reshape(3, -1)  # (3, N*P)
    mixed = x.reshape(-1, 3)  # channel-first data read as if channel-last
    return {
        "per_image": (x.mean(2).mean(0), x.std(2, correction=0).mean(0)),
        "sample": (per_channel.mean(1), per_channel.std(1, correction=1)),
        "mixed": (mixed.mean(0), mixed.std(0, correction=0)),
    }


_STATS_HINTS = {
    "per_image": "the std looks like the mean of per-image stds; compute one std over all "
                 "pixels of all images",
    "sample": "the std looks like the sample std (dividing by n - 1); divide by the number of "
              "values",
    "mixed": "the three channels look mixed together (statistics over the wrong axis)",
}


def _stats_judge(got, ref):
    msg = compare(got["stats"], ref["stats"], **STATS_TOL, path="(mean, std)")
    if msg is None:
        return None
    try:  # right values in the wrong container or dtype: no hint about the statistics
        if compare(got["stats"], ref["stats"], **STATS_TOL, check_dtype=False) is None:
            return msg
    except Exception:  # noqa: BLE001 - a malformed observation gets the plain message
        return msg
    for name, alt in ref["alternatives"].items():
        try:
            if compare(got["stats"], alt, rtol=1e-3, atol=1e-5, check_dtype=False) is None:
                return f"{msg} -- {_STATS_HINTS[name]}"
        except Exception:  # noqa: BLE001 - a malformed observation gets the plain message
            break
    return msg


@probe(public=True, judge=_stats_judge)
def stats_of_cifar_train(m):
    "channel_stats over the fake CIFAR-10 training set (ToImage + ToDtype): (mean, std), rtol 1e-4"
    from torchvision.transforms import v2

    files, cls = _fake_cifar()
    to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
    dataset = cls(files.root, train=True, download=False, transform=to_float)
    stats = m.channel_stats(dataset)
    return {"stats": stats, "alternatives": _alternatives(_as_unit(files.train_data))}


@probe(judge=_stats_judge)
def stats_of_non_square_images(m):
    "channel_stats over a TensorDataset of 7 images (3, 5, 9) with distinct channels and brightness"
    offsets = torch.tensor([0.1, 0.3, 0.5]).view(1, 3, 1, 1)
    brightness = torch.rand(7, 1, 1, 1) * 0.3
    images = torch.rand(7, 3, 5, 9) * 0.4 + offsets + brightness  # (7, 3, 5, 9) in [0, 1]
    stats = m.channel_stats(TensorDataset(images, torch.arange(7)))
    return {"stats": stats, "alternatives": _alternatives(images.double().view(7, 3, -1))}


def _walk(loader):
    """Every batch of one pass: shapes and dtypes of images and labels."""
    out = {"image_shapes": [], "image_dtypes": [], "label_shapes": [], "label_dtypes": [],
           "labels_in_range": True}
    for images, labels in loader:
        out["image_shapes"].append(tuple(images.shape))
        out["image_dtypes"].append(str(images.dtype))
        out["label_shapes"].append(tuple(labels.shape))
        out["label_dtypes"].append(str(labels.dtype))
        out["labels_in_range"] &= bool(((labels >= 0) & (labels < 10)).all())
    return out


@probe(public=True)
def loader_batches(m):
    "cifar10_loaders(root, 8): batch shapes (B, 3, 32, 32) float32, labels (B,) int64 in [0, 10)"
    files, cls = _fake_cifar()
    train, test = m.cifar10_loaders(files.root, BATCH, dataset_cls=cls)
    return {"train": _walk(train), "test": _walk(test)}


def _order(images: torch.Tensor, data) -> list[int]:
    """Which written image each of ``images`` (B, 3, 32, 32) is: best correlation per channel,
    so any per-channel scale and shift (any normalisation) leaves the match unchanged."""
    def z(t):
        t = t.double().reshape(t.shape[0], 3, -1)
        t = t - t.mean(-1, keepdim=True)
        return t / t.norm(dim=-1, keepdim=True).clamp_min(1e-12)

    similarity = torch.einsum("bcp,ncp->bn", z(images), z(_as_unit(data)))  # (B, N)
    return similarity.argmax(1).tolist()


def _pass(loader, data):
    images, labels = zip(*loader, strict=True)
    images = torch.cat(images)  # (N, 3, 32, 32)
    return images, torch.cat(labels), _order(images, data)


def _test_values_judge(got, ref):
    n = len(ref["order"])
    order = got["order"]
    if sorted(order) != list(range(n)):
        return f"the test loader should yield each of the {n} test images once; got the images {order}"
    if order != list(range(n)):
        return f"the test loader is shuffled (image order {order}); keep the test set in file order"
    msg = compare(got["labels"], ref["labels"], path="labels")
    if msg:
        return msg
    msg = compare(got["images"], ref["images"], **PIXEL_TOL, path="images")
    if msg is None:
        return None
    hints = {"half": "the values look like Normalize(0.5, 0.5), not the training set's statistics",
             "unnormalised": "the values look unnormalised ([0, 1])",
             "test_stats": "the values look normalised with statistics of the test set"}
    for name, alt in ref["alternatives"].items():
        if compare(got["images"], alt, rtol=1e-3, atol=1e-4) is None:
            return f"{msg} -- {hints[name]}"
    return msg


@probe(judge=_test_values_judge)
def test_loader_normalised(m):
    "the test loader: every test image in file order, each pixel (x/255 - mean) / std with the training set's statistics"
    files, cls = _fake_cifar(seed=1)
    _, test = m.cifar10_loaders(files.root, 4, dataset_cls=cls)
    images, labels, order = _pass(test, files.test_data)
    test_x = _as_unit(files.test_data)

    def normalised(stats_of):
        mean = stats_of.mean(dim=(0, 2)).view(1, 3, 1)
        std = stats_of.std(dim=(0, 2), correction=0).view(1, 3, 1)
        return ((test_x - mean) / std).float().view(-1, 3, 32, 32)

    alternatives = {"half": (test_x.float() - 0.5).div(0.5).view(-1, 3, 32, 32),
                    "unnormalised": test_x.float().view(-1, 3, 32, 32),
                    "test_stats": normalised(test_x)}
    return {"images": images, "labels": labels, "order": order, "alternatives": alternatives}


def _shuffle_judge(got, ref):
    n = len(ref["epochs"][0])
    for i, order in enumerate(got["epochs"]):
        if sorted(order) != list(range(n)):
            return (f"epoch {i + 1} of the train loader should yield each of the {n} training "
                    f"images once; got the images {order}")
    first, second = got["epochs"]
    if first == list(range(n)):
        return "the train loader yields the training images in file order: shuffle them"
    if first == second:
        return "the train loader yields the same order in two epochs: reshuffle every epoch"
    return None


@probe(judge=_shuffle_judge)
def train_loader_shuffles(m):
    "two epochs of the train loader: every training image once per epoch, shuffled, in a new order each epoch"
    files, cls = _fake_cifar(seed=2)
    train, _ = m.cifar10_loaders(files.root, BATCH, dataset_cls=cls)
    return {"epochs": [_pass(train, files.train_data)[2] for _ in range(2)]}


def _names(transform) -> list[str]:
    """Qualified class names of a transform and, for a Compose, of its parts."""
    if transform is None:
        return []
    names = [f"{type(transform).__module__}.{type(transform).__qualname__}"]
    for part in getattr(transform, "transforms", None) or []:
        names += _names(part)
    return names


def _construction_judge(got, ref):
    calls = got["calls"]
    if not calls:
        return ("dataset_cls was never called: build the datasets with "
                "dataset_cls(root, train=..., download=False, transform=...)")
    if any(c["download"] for c in calls):
        return ("a dataset was built with download=True: downloading needs the internet and "
                "the grader has none; pass download=False")
    splits = {c["train"] for c in calls}
    if splits != {True, False}:
        return f"expected datasets for train=True and train=False, got train={sorted(splits)}"
    old = sorted({n.rsplit(".", 1)[-1] for c in calls for n in c["transforms"]
                  if n.startswith("torchvision.transforms.") and ".v2." not in n})
    if old:
        return (f"uses the old torchvision.transforms (v1) {old}; use torchvision.transforms.v2 "
                "(ToImage, ToDtype(torch.float32, scale=True), Normalize)")
    return None


@probe(judge=_construction_judge)
def datasets_built_offline(m):
    "how cifar10_loaders builds its datasets: download=False, both splits, transforms.v2"
    files, cls = _fake_cifar()
    calls = []

    class Recording(cls):
        def __init__(self, root, train=True, transform=None, target_transform=None,
                     download=False):
            calls.append({"train": bool(train), "download": bool(download),
                          "transforms": _names(transform)})
            super().__init__(root, train=train, transform=transform,
                             target_transform=target_transform, download=download)

    m.cifar10_loaders(files.root, BATCH, dataset_cls=Recording)
    return {"calls": calls}
