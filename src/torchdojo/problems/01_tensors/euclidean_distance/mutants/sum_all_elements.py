"""Seed bug (S000-8): sums over every element, so a batch of pairs collapses into one number."""

import torch


def euclidean_distance(a, b):
    return torch.linalg.vector_norm(a - b)
