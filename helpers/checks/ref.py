"""The references: worked out from the data file with plain Python (Counter, math.log), never
with helpers.bigram, whose results the notebooks show; tensors only where the step makes one."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import torch

from helpers.bigram import SEED  # the lesson's seed: the only name taken from the lesson module

WORDS = 32_033  # names in names.txt (the lecture's figure)
BIGRAMS = 228_146  # bigrams with '.' at both ends = the training examples
V = 27  # 26 letters + '.'
EMMA_X, EMMA_Y = [0, 5, 13, 13, 1], [5, 13, 13, 1, 0]

__all__ = ["SEED"]


@functools.cache
def words() -> tuple[str, ...]:
    """names.txt, read with plain Python."""
    from helpers.data import ensure_names  # only where the file is; no lesson code

    return tuple(Path(ensure_names()).read_text(encoding="utf-8").splitlines())


@functools.cache
def bigrams(start: str = ".", end: str = ".") -> Counter[tuple[str, str]]:
    """Counts of (ch1, ch2), with `start` before and `end` after every word."""
    out: Counter[tuple[str, str]] = Counter()
    for w in words():
        chs = [start, *w, end] if end else [start, *w]
        out.update(zip(chs, chs[1:], strict=False))
    return out


@functools.cache
def stoi() -> dict[str, int]:
    """'.' -> 0, then the letters in alphabetical order from 1."""
    letters = sorted(set("".join(words())))
    return {".": 0} | {ch: i + 1 for i, ch in enumerate(letters)}


def itos() -> dict[int, str]:
    return {i: s for s, i in stoi().items()}


def table(pairs: Counter[tuple[str, str]], ix: dict[str, int], size: int = V) -> torch.Tensor:
    """A count table from a Counter of pairs (int64)."""
    N = torch.zeros((size, size), dtype=torch.int64)
    for (a, b), k in pairs.items():
        N[ix[a], ix[b]] += k
    return N


@functools.cache
def N() -> torch.Tensor:
    """The 27x27 counts, filled from the plain-Python Counter."""
    return table(bigrams(), stoi())


def P(alpha: float = 0.0, float32: bool = True) -> torch.Tensor:
    """Rows of (N + alpha), each divided by its sum with keepdim, as the lesson writes it."""
    C = (N() + alpha).float() if float32 else N().double() + alpha
    return C / C.sum(1, keepdim=True)


@functools.lru_cache(maxsize=16)
def nll_loop(
    loop_words: tuple[str, ...], alpha: float, start: str = ".", end: str = "."
) -> tuple[float, int]:
    """(log-likelihood, bigrams) of the lesson's loop over `loop_words`, by math.log; `start`
    or `end` "" leaves that token out of each word (the table stays the lesson's)."""
    counts = bigrams()
    rows: Counter[str] = Counter()
    for (a, _), k in counts.items():
        rows[a] += k
    ll, n = 0.0, 0
    for w in loop_words:
        chs = start + w + end
        for a, b in zip(chs, chs[1:], strict=False):
            p = (counts[a, b] + alpha) / (rows[a] + V * alpha)
            ll += math.log(p) if p > 0 else -math.inf
            n += 1
    return ll, n


def generator() -> torch.Generator:
    return torch.Generator().manual_seed(SEED)


def seeded_W(rows: int = V, cols: int = V) -> torch.Tensor:
    """torch.randn((rows, cols)) from a generator seeded as in the lesson."""
    return torch.randn((rows, cols), generator=generator())


def sampling(
    row: Callable[[int], torch.Tensor], count: int = 5, reseed_each: bool = False
) -> list[tuple[str, torch.Tensor]]:
    """The lesson's sampling loop on the rows `row(ix)` with a seeded generator: each name
    (ending in '.') and the generator's state after it."""
    chars = itos()
    g = generator()
    out = []
    for _ in range(count):
        if reseed_each:
            g = generator()
        name, ix = [], 0
        while True:
            ix = int(torch.multinomial(row(ix), 1, replacement=True, generator=g).item())
            name.append(chars[ix])
            if ix == 0:
                break
        out.append(("".join(name), g.get_state()))
    return out


def count_row(ix: int) -> torch.Tensor:
    """The lesson's p = N[ix].float(); p = p / p.sum()."""
    p = N()[ix].float()
    return p / p.sum()


def emma_probs(W: torch.Tensor) -> torch.Tensor:
    """softmax of the rows of W picked by emma's inputs (the one-hot product picks rows)."""
    return torch.softmax(W[EMMA_X], dim=1)


def emma_loss_and_grad(W: torch.Tensor, times: int = 1) -> tuple[float, torch.Tensor]:
    W = W.detach().clone().requires_grad_()
    loss = -emma_probs(W)[torch.arange(5), EMMA_Y].log().mean()
    for _ in range(times):
        loss.backward(retain_graph=True)
    assert W.grad is not None
    return loss.item(), W.grad


def descent(
    counts: torch.Tensor,
    W: torch.Tensor,
    logits: Callable[[torch.Tensor], torch.Tensor],
    steps: int,
    mode: str = "right",
    l2: float = 0.01,
    lr: float = 50.0,
) -> tuple[list[float], torch.Tensor]:
    """The lesson's full-batch loop, loss = NLL / examples + l2 * (W**2).mean(), in float64 on
    the counts (row r of `counts` holds the next characters after context r, and `logits(W)`
    row r is the net's output for it: the one-hot average regrouped by context): its losses and
    the last W. mode 'no_reset' lets gradients pile up, 'wrong_sign' steps uphill, 'sum' sums
    the NLL, 'penalty_no_grad' adds the penalty's value but not its gradient (from W.data),
    'penalty_sum' takes l2 * (W**2).sum() for the mean. The one loop behind the bigram and the
    trigram references."""
    counts = counts.double()
    W = W.double().requires_grad_()
    acc = torch.zeros_like(W)
    losses: list[float] = []
    for _ in range(steps):
        nll = -(counts * torch.log_softmax(logits(W), dim=1)).sum()
        penalty = (W.detach() if mode == "penalty_no_grad" else W) ** 2
        shrink = penalty.sum() if mode == "penalty_sum" else penalty.mean()
        loss = (nll if mode == "sum" else nll / counts.sum()) + l2 * shrink
        W.grad = None
        loss.backward()
        assert W.grad is not None
        acc = acc + W.grad if mode == "no_reset" else W.grad
        with torch.no_grad():
            W += lr * acc if mode == "wrong_sign" else -lr * acc
        losses.append(loss.item())
    return losses, W.detach()


@functools.cache
def training(steps: int, mode: str = "right", l2: float = 0.01) -> tuple[list[float], torch.Tensor]:
    """The lesson's bigram loop (lr 50) from the seeded W: `descent` on N, logits = W."""
    return descent(N(), seeded_W(), lambda W: W, steps, mode, l2, lr=50.0)


def net_row(W: torch.Tensor) -> Callable[[int], torch.Tensor]:
    def row(ix: int) -> torch.Tensor:
        return torch.softmax(W[ix].float(), dim=0)

    return row


@functools.cache
def trigrams(end: bool = True, pad: int = 2) -> Counter[tuple[str, ...]]:
    """Counts of (c1, c2, c3) with `pad` dots in front and '.' after every word."""
    out: Counter[tuple[str, ...]] = Counter()
    for w in words():
        chs = ["."] * pad + list(w) + (["."] if end else [])
        out.update(zip(chs, chs[1:], chs[2:], strict=False))
    return out
