"""The seed's code: resnet18(pretrained=True), deprecated since torchvision 0.13, which ignores the
local checkpoint and tries to download ImageNet weights (fails offline)."""

from torch import nn
from torchvision.models import resnet18


def build_finetune_model(backbone_ckpt: str, num_classes: int) -> nn.Module:
    """ResNet-18 with the checkpoint's weights, every backbone parameter frozen, and a new,
    trainable ``fc`` head of ``num_classes`` outputs."""
    model = resnet18(pretrained=True)  # downloads ImageNet weights
    model.requires_grad_(False)  # freeze everything that is there now
    # A fresh layer is created with requires_grad=True, so only the head trains.
    model.fc = nn.Linear(model.fc.in_features, num_classes)  # 512 -> num_classes
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
