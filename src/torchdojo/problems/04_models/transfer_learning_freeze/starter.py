"""Fine-tune a "pretrained" ResNet-18: frozen backbone, frozen batch-norm statistics, new head."""

import torch  # noqa: F401
from torch import nn
from torchvision.models import resnet18  # noqa: F401


def build_finetune_model(backbone_ckpt: str, num_classes: int) -> nn.Module:
    """ResNet-18 with the checkpoint's weights, every backbone parameter frozen, and a new,
    trainable ``fc`` head of ``num_classes`` outputs."""
    # TODO: resnet18 without downloading anything; load the checkpoint (weights_only=True)
    # TODO: freeze the backbone's parameters, then replace model.fc
    raise NotImplementedError


def head_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The parameters to hand to the optimizer: the new head's, and nothing else."""
    # TODO
    return list(model.parameters())


def set_train_mode(model: nn.Module) -> None:
    """Training mode for fine-tuning: the model trains, but every batch-norm layer stays in eval
    mode, normalising with (and never updating) the checkpoint's running statistics."""
    # TODO: keep the batch-norm layers in eval mode
    model.train()
