"""Builds the batch by growing each sample in place (resize_ then fill the tail): the padded rows
are right, but the caller's sample tensors are modified."""

import torch


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    t = int(lengths.max()) if len(seqs) else 0
    for seq, n in zip(seqs, lengths.tolist(), strict=True):
        seq.resize_(t)
        seq[n:] = padding_value
    padded = torch.stack(seqs)
    return padded, lengths, labels
