"""Probes for coco_to_tensors, on a mini COCO written in the real format by
torchdojo.datagen.coco: 4 images in the order 724 (RGB, 2 boxes), 139 (grayscale, 2 boxes and a
crowd region), 285 (RGB, no annotation), 632 (RGBA, 1 box); category ids 18, 1, 3 (listed in
that order)."""

import collections
import json
import tempfile

import torch
from torch.utils.data import DataLoader

from torchdojo.probes import compare, probe

IMAGE_TOL = {"rtol": 0.0, "atol": 1e-6}


def _dataset(m, seed: int = 0, transforms=None):
    from torchdojo.datagen import coco

    files = coco.write_coco(tempfile.mkdtemp(), seed=seed)
    kwargs = {} if transforms is None else {"transforms": transforms}
    return m.CocoDetectionDataset(files.ann_file, files.image_dir, **kwargs), files


def _xywh(boxes: torch.Tensor) -> torch.Tensor:
    return torch.cat([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], dim=1)


def _target_judge(got, ref):
    msg = compare(got, ref, path="target")
    if msg is None:
        return None
    boxes, expected = got.get("boxes"), ref["boxes"]
    if isinstance(boxes, torch.Tensor) and expected.numel() and boxes.shape == expected.shape \
            and compare(boxes, _xywh(expected)) is None:
        return (f"{msg} -- the boxes are still COCO's [x, y, width, height]; the task asks for "
                "[x1, y1, x2, y2]")
    if isinstance(boxes, torch.Tensor) and boxes.shape[0] > expected.shape[0]:
        return (f"{msg} -- {boxes.shape[0]} boxes where {expected.shape[0]} were expected: "
                "annotations with iscrowd = 1 must be left out")
    return msg


@probe(public=True, judge=_target_judge)
def first_item_target(m):
    "dataset[0] (image 724, two boxes): the target dict {'boxes' float32 (2, 4) xyxy, 'labels' int64 (2,), 'image_id'}"
    dataset, _ = _dataset(m)
    return dataset[0][1]


@probe(judge=_target_judge)
def crowd_annotations_left_out(m):
    "dataset[1] (image 139: two boxes and one iscrowd = 1 region): boxes, labels and image_id"
    dataset, _ = _dataset(m)
    return dataset[1][1]


def _empty_judge(got, ref):
    msg = compare(got, ref, path="target")
    if msg and isinstance(got.get("boxes"), torch.Tensor) and got["boxes"].shape != (0, 4):
        return (f"{msg} -- an image without boxes still needs boxes of shape (0, 4), so code "
                "that reads boxes[:, 0] or concatenates boxes keeps working")
    return msg


@probe(judge=_empty_judge)
def image_without_annotations(m):
    "dataset[2] (image 285, no annotation): boxes float32 (0, 4), labels int64 (0,), image_id 285"
    dataset, _ = _dataset(m)
    return dataset[2][1]


def _labels_judge(got, ref):
    msg = compare(got["labels"], ref["labels"], path="labels")
    if msg is None:
        return None
    hints = {"raw_ids": "these are the raw COCO category ids; map them to 1..K",
             "file_order": "the labels follow the order of the categories list in the file; "
                           "number the category ids in sorted order"}
    for name, alt in ref["alternatives"].items():
        if compare(got["labels"], alt) is None:
            return f"{msg} -- {hints[name]}"
    return msg


@probe(judge=_labels_judge)
def labels_contiguous(m):
    "labels of every image: category ids 1, 3, 18 become 1, 2, 3 (sorted id order)"
    dataset, files = _dataset(m)
    labels = [dataset[i][1]["labels"] for i in range(len(dataset))]
    # the plausible wrong mappings, for the judge's hints
    by_image = collections.defaultdict(list)
    for ann in files.coco["annotations"]:
        if not ann["iscrowd"]:
            by_image[ann["image_id"]].append(ann["category_id"])
    file_order = {c["id"]: i for i, c in enumerate(files.coco["categories"], start=1)}
    ids = [by_image[im["id"]] for im in files.coco["images"]]
    alternatives = {
        "raw_ids": [torch.tensor(c, dtype=torch.int64) for c in ids],
        "file_order": [torch.tensor([file_order[x] for x in c], dtype=torch.int64) for c in ids],
    }
    return {"labels": labels, "alternatives": alternatives}


def _images_judge(got, ref):
    if got["len"] != ref["len"]:
        return f"expected len(dataset) == {ref['len']} (one item per image), got {got['len']}"
    for image, expected, mode in zip(got["images"], ref["images"], ref["modes"], strict=True):
        if (isinstance(image, torch.Tensor) and image.dim() == 3
                and image.shape[0] not in (1, 3, 4) and image.shape[-1] in (1, 3, 4)):
            return (f"the {mode} image gave a tensor of shape {tuple(image.shape)}: channels "
                    "come last; the task asks for (3, H, W)")
        if isinstance(image, torch.Tensor) and image.dim() == 3 and image.shape[0] != 3:
            return (f"the {mode} image gave a tensor of shape {tuple(image.shape)}: every image "
                    "must have 3 channels (convert it to RGB)")
        if isinstance(image, torch.Tensor) and image.shape != expected.shape:
            return f"expected an image tensor of shape {tuple(expected.shape)} (3, H, W), got {tuple(image.shape)}"
    return compare(got["images"], ref["images"], **IMAGE_TOL, path="images")


@probe(public=True, judge=_images_judge)
def images_rgb_float(m):
    "all 4 images (RGB, grayscale, RGB, RGBA PNGs): float32 (3, H, W) in [0, 1], in the JSON's order"
    dataset, files = _dataset(m, seed=1)
    return {"len": len(dataset), "images": [dataset[i][0] for i in range(len(dataset))],
            "modes": [files.modes[im["id"]] for im in files.coco["images"]]}


def _reread_judge(got, ref):
    msg = compare(got["first"], ref["first"], path="first reading")
    if msg:
        return msg
    msg = compare(got["second"], ref["second"], path="second reading")
    if msg:
        return (f"{msg} -- reading an item again gave a different target: __getitem__ must "
                "not change the annotations it has stored")
    return None


@probe(judge=_reread_judge)
def items_read_twice(m):
    "every item read twice: the second reading gives the same targets as the first"
    dataset, _ = _dataset(m)
    first = [dataset[i][1] for i in range(len(dataset))]
    second = [dataset[i][1] for i in range(len(dataset))]
    return {"first": first, "second": second}


def _summary(images, targets):
    return {
        "sequences": [isinstance(images, list | tuple), isinstance(targets, list | tuple)],
        "lengths": [len(images), len(targets)],
        "image_shapes": [tuple(img.shape) for img in images],
        "image_ids": [t["image_id"] for t in targets],
        "box_counts": [int(t["boxes"].shape[0]) for t in targets],
    }


@probe
def collate_in_dataloader(m):
    "DataLoader(dataset, batch_size=3, collate_fn=detection_collate): each batch is (images, targets), sequences of length B"
    dataset, _ = _dataset(m)
    loader = DataLoader(dataset, batch_size=3, shuffle=False, collate_fn=m.detection_collate)
    return [_summary(*batch) for batch in loader]


@probe
def collate_keeps_items(m):
    "detection_collate on a hand-made batch of 2 items: the same image and target objects, in order"
    a, b = torch.rand(3, 4, 5), torch.rand(3, 6, 2)
    ta = {"boxes": torch.zeros(0, 4), "labels": torch.zeros(0, dtype=torch.int64), "image_id": 7}
    tb = {"boxes": torch.ones(1, 4), "labels": torch.ones(1, dtype=torch.int64), "image_id": 9}
    images, targets = m.detection_collate([(a, ta), (b, tb)])
    return {"summary": _summary(images, targets),
            "same_objects": [images[0] is a, images[1] is b, targets[0] is ta, targets[1] is tb]}


def _grouping_judge(got, ref):
    if not got["observed"]:
        return None  # the file was parsed without json.load/json.loads: nothing to count
    n = ref["annotations"]
    if got["item_reads"] > n:
        return (f"reading all {ref['items']} items looked up an annotation's image_id "
                f"{got['item_reads']} times for {n} annotations: __getitem__ scans the whole "
                "annotation list for every image; group the annotations by image once, in __init__")
    return None


@probe(judge=_grouping_judge)
def annotations_grouped_once(m):
    "reading every item does not rescan all annotations (counts reads of annotations' image_id)"
    reads = collections.Counter()

    class CountingDict(dict):
        def __getitem__(self, key):
            reads[key] += 1
            return super().__getitem__(key)

        def get(self, key, default=None):
            reads[key] += 1
            return super().get(key, default)

    made = []

    def hook(d):
        made.append(1)
        return CountingDict(d)

    # json.load and json.loads without options decode through json._default_decoder.
    saved = json._default_decoder
    json._default_decoder = json.JSONDecoder(object_hook=hook)
    try:
        dataset, files = _dataset(m)
    finally:
        json._default_decoder = saved
    reads.clear()
    for i in range(len(dataset)):
        dataset[i]
    return {"observed": bool(made), "item_reads": reads["image_id"],
            "annotations": len(files.coco["annotations"]), "items": len(dataset)}


def _mirror(image, target):
    """A test transform: mirror the image left-right and the boxes with it."""
    width = image.shape[-1]
    boxes = target["boxes"].clone()
    boxes[:, 0], boxes[:, 2] = width - target["boxes"][:, 2], width - target["boxes"][:, 0]
    return image.flip(-1), {**target, "boxes": boxes, "mirrored": True}


@probe(judge=lambda got, ref: compare(got, ref, **IMAGE_TOL))
def transforms_applied(m):
    "transforms(image, target) is applied last and its result returned (items 0 and 2, a mirroring transform)"
    dataset, _ = _dataset(m, seed=2, transforms=_mirror)
    return [dataset[0], dataset[2]]
