"""Data-parallel training with DistributedDataParallel on the gloo backend (CPU)."""

import torch
import torch.distributed as dist  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP  # noqa: F401
from torch.utils.data import DataLoader, Dataset  # noqa: F401
from torch.utils.data.distributed import DistributedSampler  # noqa: F401


class TinyNet(nn.Module):
    """fc1 -> tanh -> fc2 (given: keep it as it is)."""

    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))  # (B, in) -> (B, out)


def setup(rank: int, world_size: int, init_method: str) -> None:
    """Join the gloo process group at init_method as `rank` of `world_size`."""
    # TODO: dist.init_process_group with the gloo backend, init_method, rank and world_size
    raise NotImplementedError


def cleanup() -> None:
    """Leave the process group."""
    # TODO: destroy the process group


def train_worker(
    rank: int,
    world_size: int,
    init_method: str,
    model_state: dict[str, torch.Tensor],
    dataset: Dataset,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
) -> dict:
    """Train one rank's replica with DDP; return {"state_dict": ..., "indices": ...}."""
    # TODO: setup(rank, world_size, init_method)
    # TODO: TinyNet with model_state's sizes, load model_state strictly, wrap it in DDP
    # TODO: SGD(lr); DistributedSampler(dataset, num_replicas=world_size, rank=rank,
    #       shuffle=True, seed=seed) and a DataLoader(batch_size, sampler=sampler)
    # TODO: each epoch: sampler.set_epoch(epoch), record list(sampler), then for each batch
    #       zero_grad, F.mse_loss, backward, step
    # TODO: cleanup() before returning, also on an exception (try/finally)
    # TODO: return the inner module's state_dict (no "module." prefix) and the indices per epoch
    raise NotImplementedError
