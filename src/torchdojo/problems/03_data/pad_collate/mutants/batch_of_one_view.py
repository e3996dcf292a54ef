"""A shortcut for a batch of one that returns seq.unsqueeze(0): a view of the caller's tensor, so
writing into the batch later changes the dataset's sample."""

import torch
from torch.nn.utils.rnn import pad_sequence


def pad_collate(batch, padding_value=0):
    seqs = [seq for seq, _ in batch]
    labels = torch.tensor([label for _, label in batch])
    lengths = torch.tensor([len(seq) for seq in seqs])
    if len(seqs) == 1:
        return seqs[0].unsqueeze(0), lengths, labels
    padded = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    return padded, lengths, labels
