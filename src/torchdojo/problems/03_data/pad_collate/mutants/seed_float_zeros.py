"""The seed's padding: a buffer made with torch.zeros(B, T) is float32, so the copied token ids
become floats (1.0, 2.0, ...) and nn.Embedding refuses them."""

import torch


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    padded = torch.zeros(len(seqs), int(lengths.max()))  # float32!
    padded.fill_(padding_value)
    for i, seq in enumerate(seqs):
        padded[i, : len(seq)] = seq
    return padded, lengths, labels
