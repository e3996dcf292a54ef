"""The seed documents' decoder (S002-12, S003-P8): a softmax at the end of the decoder, so it returns
probabilities, and cross-entropy then applies a second softmax on top of them."""

import torch
from torch import nn


class Encoder(nn.Module):
    """Embedding -> one-layer GRU over the whole source."""

    def __init__(self, vocab: int, embed: int, hidden: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = nn.GRU(embed, hidden, batch_first=True)

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        emb = self.embedding(src)  # (B, S, E)
        outputs, hidden = self.rnn(emb)  # (B, S, H), (1, B, H)
        return outputs, hidden


class Decoder(nn.Module):
    """One decoding step: embed the input token, advance the GRU, project to the vocabulary."""

    def __init__(self, vocab: int, embed: int, hidden: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = nn.GRU(embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor, hidden: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        emb = self.embedding(tokens).unsqueeze(1)  # (B, 1, E): a sequence of one step
        output, hidden = self.rnn(emb, hidden)  # (B, 1, H), (1, B, H)
        return torch.softmax(self.out(output.squeeze(1)), dim=-1), hidden


def shift_right(tgt: torch.Tensor, bos: int) -> torch.Tensor:
    """The decoder input for targets `tgt` (B, T): BOS, then tgt without its last token."""
    bos_col = torch.full_like(tgt[:, :1], bos)  # (B, 1)
    return torch.cat([bos_col, tgt[:, :-1]], dim=1)  # (B, T), a new tensor


class Seq2Seq(nn.Module):
    def __init__(self, encoder: Encoder, decoder: Decoder, bos: int, eos: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.bos = bos
        self.eos = eos

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor,
                teacher_forcing_ratio: float = 1.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
        _, hidden = self.encoder(src)  # the source summary starts the decoder: (1, B, H)
        steps = []
        token = tgt_in[:, 0]  # (B,), BOS
        for t in range(tgt_in.size(1)):
            if t > 0:
                # one draw per step t >= 1: teacher forcing if it falls below the ratio
                forced = torch.rand((), generator=generator).item() < teacher_forcing_ratio
                token = tgt_in[:, t] if forced else steps[-1].argmax(dim=-1)
            logits, hidden = self.decoder(token, hidden)  # (B, V)
            steps.append(logits)
        return torch.stack(steps, dim=1)  # (B, T, V)

    @torch.no_grad()
    def greedy_decode(self, src: torch.Tensor, max_len: int) -> list[list[int]]:
        _, hidden = self.encoder(src)  # (1, B, H)
        batch = src.size(0)
        token = torch.full((batch,), self.bos, dtype=torch.long, device=src.device)  # (B,)
        out: list[list[int]] = [[] for _ in range(batch)]
        done = [False] * batch  # which sequences have written their EOS
        for _ in range(max_len):
            logits, hidden = self.decoder(token, hidden)  # (B, V)
            token = logits.argmax(dim=-1)  # (B,), fed back at the next step
            for b, tok in enumerate(token.tolist()):
                if done[b]:
                    continue  # finished: later tokens are not part of this sequence
                if tok == self.eos:
                    done[b] = True
                else:
                    out[b].append(tok)
            if all(done):  # every sequence has stopped: no need to run further
                break
        return out
