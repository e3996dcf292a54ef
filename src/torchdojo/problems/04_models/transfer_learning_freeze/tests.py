"""Probes for transfer_learning_freeze. A seeded "pretrained" ResNet-18 checkpoint (a full
state_dict with non-trivial batch-norm statistics and a 1000-class fc) is written once per check
to a temp file; the learner's model is built from it. Checked: the state_dict layout and the
head's size, that the backbone equals the checkpoint, that only fc requires grad, the logits in
eval mode, and after set_train_mode and one SGD step on head_parameters: every backbone
parameter and buffer unchanged, batch-norm layers in eval mode, gradients only in fc, and the
new head's weights as the reference's."""

import math
import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn

from torchdojo.probes import compare, probe

_CACHE: dict = {}


def _checkpoint() -> tuple[str, dict]:
    """(path, state_dict) of the seeded checkpoint, written once per process (44 MiB)."""
    if "ckpt" not in _CACHE:
        from torchvision.models import resnet18

        with torch.device("meta"):  # shapes only: no time spent initialising 11.7M weights
            shapes = {k: v.shape for k, v in resnet18(weights=None).state_dict().items()}
        g = torch.Generator().manual_seed(2024)
        sd = {}
        for key, shape in shapes.items():
            if key.endswith("num_batches_tracked"):
                sd[key] = torch.tensor(5000)
            elif key.endswith("running_var"):
                sd[key] = torch.rand(shape, generator=g) + 0.5
            elif key.endswith("running_mean"):
                sd[key] = torch.randn(shape, generator=g) * 0.2
            elif len(shape) == 1:  # batch-norm weight/bias, fc.bias
                base = 1.0 if key.endswith("weight") else 0.0
                sd[key] = base + 0.1 * torch.randn(shape, generator=g)
            else:  # conv and fc weights, scaled by fan-in
                sd[key] = torch.randn(shape, generator=g) / math.sqrt(math.prod(shape[1:]))
        path = os.path.join(tempfile.mkdtemp(), "resnet18_pretrained.pt")
        torch.save(sd, path)
        _CACHE["ckpt"] = (path, sd)
    return _CACHE["ckpt"]


def _set_head(model, num_classes: int, seed: int) -> None:
    """Overwrite fc with seeded values so that outputs can be compared with the reference's."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        model.fc.weight.copy_(torch.randn(num_classes, 512, generator=g) * 0.05)
        model.fc.bias.copy_(torch.randn(num_classes, generator=g) * 0.05)


def _backbone_diff(model, ckpt: dict) -> list[str]:
    """Backbone state_dict entries (parameters and buffers) that differ from the checkpoint."""
    state = model.state_dict()
    return [k for k, v in ckpt.items()
            if not k.startswith("fc.") and (k not in state or not torch.equal(state[k], v))]


def _build_judge(got, ref):
    if got["type_ok"] is not True:
        return f"build_finetune_model returned {got['type_ok']}; expected an nn.Module"
    missing = sorted(set(ref["keys"]) - set(got["keys"]))
    extra = sorted(set(got["keys"]) - set(ref["keys"]))
    if missing or extra:
        return (f"the model's state_dict is not ResNet-18's: missing {missing[:3]}, unexpected "
                f"{extra[:3]}")
    if got["keys"]["fc.weight"] != ref["keys"]["fc.weight"]:
        return (f"fc.weight has shape {tuple(got['keys']['fc.weight'])}, expected "
                f"{tuple(ref['keys']['fc.weight'])}: a new Linear(512, num_classes)")
    if got["backbone_diff"]:
        return (f"{len(got['backbone_diff'])} backbone entries differ from the checkpoint, "
                f"e.g. {got['backbone_diff'][0]}: load its weights into the model")
    if got["trainable"] != ref["trainable"]:
        extra = [n for n in got["trainable"] if n not in ref["trainable"]]
        if extra:
            return (f"{len(extra)} backbone parameter(s) still require grad, e.g. {extra[0]}: "
                    "freeze every parameter except the new fc")
        return f"only {got['trainable']} require grad; the new fc.weight and fc.bias must train"
    why = compare(got["logits"], ref["logits"], rtol=1e-4, atol=1e-4)
    if why:
        return f"in eval mode, with the same head weights, the logits differ: {why}"
    return None


@probe(public=True, judge=_build_judge)
def builds_from_checkpoint(m):
    "build_finetune_model(ckpt, 5): ResNet-18 layout, backbone equal to the checkpoint (buffers too), only fc trainable, eval-mode logits"
    path, ckpt = _checkpoint()
    model = m.build_finetune_model(path, 5)
    if not isinstance(model, nn.Module):
        return {"type_ok": type(model).__name__}
    obs = {"type_ok": True,
           "keys": {k: list(v.shape) for k, v in model.state_dict().items()},
           "backbone_diff": _backbone_diff(model, ckpt),
           "trainable": sorted(n for n, p in model.named_parameters() if p.requires_grad)}
    _set_head(model, 5, seed=1)
    model.eval()
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        obs["logits"] = model(x)
    return obs


def _step_judge(got, ref):
    if got["head_type"] != "list":
        return f"head_parameters returned a {got['head_type']}; expected a list"
    if got["head_names"] != ref["head_names"]:
        return (f"head_parameters gave {got['head_names'][:4]} "
                f"({len(got['head_names'])} in all); expected exactly {ref['head_names']}")
    if any(got["bn_training"]):
        n = sum(got["bn_training"])
        return (f"after set_train_mode, {n} of {len(got['bn_training'])} batch-norm layers are "
                "in training mode: they would update their running statistics")
    if got["backbone_diff"]:
        return (f"after one training step {len(got['backbone_diff'])} backbone entries changed, "
                f"e.g. {got['backbone_diff'][0]}: the backbone's weights and batch-norm "
                "statistics must stay as loaded")
    if got["with_grad"] != ref["with_grad"]:
        extra = [n for n in got["with_grad"] if n not in ref["with_grad"]]
        return (f"after backward, gradients reached {extra[:3] or got['with_grad']}: only fc "
                "should receive gradients")
    if not got["fc_changed"]:
        return "the head did not change after an optimizer step"
    why = compare(got["fc_after"], ref["fc_after"], rtol=1e-4, atol=1e-6, path="fc")
    if why:
        return ("after one SGD step the head differs from the reference's (the backbone's "
                f"features must come from the loaded weights and running statistics): {why}")
    return None


def _train_step(m, num_classes: int, seed: int) -> dict:
    path, ckpt = _checkpoint()
    model = m.build_finetune_model(path, num_classes)
    head = m.head_parameters(model)
    names = {id(p): n for n, p in model.named_parameters()}
    obs = {"head_type": type(head).__name__,
           "head_names": sorted(names.get(id(p), "<not a parameter of the model>")
                                for p in list(head))}
    if obs["head_names"] != ["fc.bias", "fc.weight"] or not isinstance(head, list):
        return obs  # the judge explains; training with other parameters proves nothing more
    _set_head(model, num_classes, seed)
    before = model.fc.weight.detach().clone()
    opt = torch.optim.SGD(head, lr=0.1)
    m.set_train_mode(model)
    obs["bn_training"] = [mod.training for mod in model.modules()
                          if isinstance(mod, nn.modules.batchnorm._BatchNorm)]
    g = torch.Generator().manual_seed(seed)  # inputs independent of what the build drew
    x = torch.randn(4, 3, 32, 32, generator=g)
    y = torch.randint(0, num_classes, (4,), generator=g)
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
    obs.update({"backbone_diff": _backbone_diff(model, ckpt),
                "with_grad": sorted(n for n, p in model.named_parameters() if p.grad is not None),
                "fc_changed": not torch.equal(model.fc.weight.detach(), before),
                "fc_after": {"weight": model.fc.weight.detach().clone(),
                             "bias": model.fc.bias.detach().clone()}})
    return obs


@probe(public=True, judge=_step_judge)
def one_training_step(m):
    "build_finetune_model(ckpt, 3), SGD(head_parameters(model), lr=0.1), set_train_mode, one step on 4 images 32x32: backbone and batch-norm statistics unchanged, head updated"
    return _train_step(m, 3, seed=2)


@probe(judge=_step_judge)
def ten_classes_step(m):
    "the same with num_classes=10 and another batch"
    return _train_step(m, 10, seed=3)
