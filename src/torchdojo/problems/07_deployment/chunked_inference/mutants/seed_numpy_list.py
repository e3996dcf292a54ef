"""MUTANT: the seed's loop: Python lists converted batch by batch, torch.no_grad, and a list of
per-batch NumPy arrays returned instead of one tensor."""

import torch
from torch import nn


def batched_inference(model: nn.Module, data, batch_size: int, dtype=None):
    model.eval()
    rows = data.tolist() if isinstance(data, torch.Tensor) else [r for c in data
                                                                for r in c.tolist()]
    results = []
    with torch.no_grad():
        for i in range(0, len(rows), batch_size):
            batch = torch.tensor(rows[i:i + batch_size], dtype=torch.float32)
            results.append(model(batch).numpy())
    return results
