"""WRONG: ignores model_state: each rank seeds with its rank and initialises its own
weights (DDP then copies rank 0's random ones to the others)."""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler


class TinyNet(nn.Module):
    """fc1 -> tanh -> fc2."""

    def __init__(self, in_features: int, hidden: int, out_features: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act = nn.Tanh()
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))  # (B, in) -> (B, out)


def setup(rank: int, world_size: int, init_method: str) -> None:
    """Join the gloo process group; the rendezvous address comes from the launcher."""
    dist.init_process_group("gloo", init_method=init_method, rank=rank, world_size=world_size)


def cleanup() -> None:
    """Leave the process group (closes its sockets and threads)."""
    dist.destroy_process_group()


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
    """Train one rank's replica with DDP; return its final weights and the indices it saw."""
    setup(rank, world_size, init_method)
    try:
        # The same starting weights on every rank, loaded strictly.
        hidden, in_features = model_state["fc1.weight"].shape
        out_features = model_state["fc2.weight"].shape[0]
        torch.manual_seed(rank)
        model = TinyNet(in_features, hidden, out_features)
        # DDP hooks the gradients: all-reduce and average them across ranks in backward.
        ddp = DDP(model)  # CPU module: no device_ids
        optimizer = torch.optim.SGD(ddp.parameters(), lr=lr)
        # This rank's shard: a seeded permutation, padded to a multiple of world_size, strided.
        sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank,
                                     shuffle=True, seed=seed)
        loader = DataLoader(dataset, batch_size=batch_size, sampler=sampler)
        seen: list[list[int]] = []
        for epoch in range(epochs):
            # A new permutation each epoch (seed + epoch), the same on every rank.
            sampler.set_epoch(epoch)
            seen.append(list(sampler))  # the order the loader below will use
            for x, y in loader:  # (B, in), (B, out)
                optimizer.zero_grad()
                loss = F.mse_loss(ddp(x), y)  # mean over this rank's batch
                loss.backward()  # DDP: grad = mean over ranks of the local grads
                optimizer.step()
        # The inner module's state_dict: keys without the "module." prefix.
        state = {k: v.detach().clone() for k, v in ddp.module.state_dict().items()}
        return {"state_dict": state, "indices": seen}
    finally:
        # Leave the group even when training raised.
        cleanup()
