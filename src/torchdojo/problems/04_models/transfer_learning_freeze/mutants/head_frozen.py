"""Replaces fc first and freezes afterwards: the new head is frozen too and nothing can train."""

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
    model.fc = nn.Linear(model.fc.in_features, num_classes)  # 512 -> num_classes
    model.requires_grad_(False)  # freezes the new head as well
    return model


def head_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The parameters to hand to the optimizer: the new head's, and nothing else."""
    return list(model.fc.parameters())


def set_train_mode(model: nn.Module) -> None:
    """Training mode for fine-tuning: the model trains, but every batch-norm layer stays in eval
    mode, normalising with (and never updating) the checkpoint's running statistics."""
    model.train()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.eval()
