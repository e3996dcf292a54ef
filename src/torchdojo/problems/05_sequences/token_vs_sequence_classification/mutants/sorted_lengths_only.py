"""pack_padded_sequence with its default enforce_sorted=True: it raises for a batch whose lengths
are not in decreasing order."""

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

IGNORE_INDEX = -100  # tag value of positions the loss skips (padding)


class BiLSTMTaggerClassifier(nn.Module):
    def __init__(self, vocab: int, embed: int, hidden: int, num_tags: int,
                 num_classes: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.tag_head = nn.Linear(2 * hidden, num_tags)  # one prediction per token
        self.cls_head = nn.Linear(2 * hidden, num_classes)  # one prediction per sequence

    def encode(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """BiLSTM outputs (B, T, 2*hidden); zeros at padded positions."""
        emb = self.embedding(tokens)  # (B, T, E)
        # Packing: each sequence is read only up to its length, in both directions.
        # enforce_sorted=False: the batch may come in any order of length.
        packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True)
        out, _ = self.lstm(packed)
        # total_length keeps the input's T even when every sequence is shorter than T.
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.size(1))
        return out  # (B, T, 2H), rows back in the input's order

    def token_logits(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.tag_head(self.encode(tokens, lengths))  # (B, T, num_tags)

    def sequence_logits(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        out = self.encode(tokens, lengths)  # (B, T, 2H)
        steps = torch.arange(tokens.size(1), device=tokens.device)  # (T,)
        mask = (steps[None, :] < lengths.to(tokens.device)[:, None]).unsqueeze(-1)  # (B, T, 1)
        mean = (out * mask).sum(dim=1) / mask.sum(dim=1)  # (B, 2H): real steps only
        return self.cls_head(mean)  # (B, num_classes)


def token_loss(logits: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the positions whose tag is not -100."""
    num_tags = logits.size(-1)
    # (B, T, C) -> (B*T, C) rows line up with tags (B, T) -> (B*T,)
    return F.cross_entropy(logits.reshape(-1, num_tags), tags.reshape(-1),
                           ignore_index=IGNORE_INDEX)
