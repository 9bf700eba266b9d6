"""Beyond the lecture: n-grams, any sentinel, many names at once, training from the counts, splits.

`helpers.bigram` is the lesson as notebooks 01-07 write it: one 27 x 27 table. The exercises
(notebook 09 on), the command line (`helpers.cli`), the explorers and the benchmarks need more,
and it is here, built on the lesson's functions:

- an *n-gram* model is a 2-D table like the lesson's `N`, whose rows are *contexts*: the previous
  n-1 characters flattened into one index, ctx = c1*V**(n-2) + ... + c_{n-1}, and whose columns
  are the next character (n = 2: the row is the previous character, as in the lesson);
- a vocabulary with another sentinel than '.', for data in which '.' is a character;
- add-alpha smoothing safe for any alpha (even infinity) and for contexts never seen;
- `sample_names`: many names at once, one batched draw per position;
- the one-hot net trained from the counts alone: its loss and gradient, and `fit_fast`;
- train/dev/test splits.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import torch

from helpers.bigram import SEED, average_nll

SENTINEL = "."


def build_vocab(
    words: list[str], sentinel: str = SENTINEL
) -> tuple[dict[str, int], dict[int, str]]:
    """`stoi`/`itos` with any one-character sentinel at 0. Defined in 14_your_own_dataset."""
    if len(sentinel) != 1:
        raise ValueError(f"the sentinel must be one character, got {sentinel!r}")
    chars = sorted(set("".join(words)))
    if sentinel in chars:
        raise ValueError(f"the sentinel {sentinel!r} occurs in the words; choose another")
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi[sentinel] = 0
    return stoi, {i: s for s, i in stoi.items()}


# --- n-gram counts -------------------------------------------------------------------------


def training_pairs(
    words: list[str], stoi: dict[str, int], n: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """`(xs, ys)`: each n-gram's context index and next character. Defined in 09_trigram."""
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    V = len(stoi)
    # Each word padded with n-1 sentinels (index 0) in front and one behind; every window of n
    # indices that ends on one of the word's characters or on its closing sentinel is a pair.
    ix: list[int] = []
    ends_a_pair: list[bool] = []
    for w in words:
        ix += [0] * (n - 1) + [stoi[ch] for ch in w] + [0]
        ends_a_pair += [False] * (n - 1) + [True] * (len(w) + 1)
    if not ix:
        return torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)
    windows = torch.tensor(ix).unfold(0, n, 1)[torch.tensor(ends_a_pair[n - 1 :])]
    place = V ** torch.arange(n - 2, -1, -1)  # ctx = c1 * V**(n-2) + ... + c_{n-1}
    return (windows[:, :-1] * place).sum(1), windows[:, -1]


def count_matrix(words: list[str], stoi: dict[str, int], n: int = 2) -> torch.Tensor:
    """The (V**(n-1), V) counts in one `torch.bincount`. Defined in 09_trigram."""
    V = len(stoi)
    xs, ys = training_pairs(words, stoi, n)
    return torch.bincount(xs * V + ys, minlength=V**n).view(V ** (n - 1), V).to(torch.int32)


# --- probabilities and sampling ------------------------------------------------------------


def probabilities(
    N: torch.Tensor, alpha: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Add-alpha `P` for any alpha >= 0, even inf, any table. Defined in 08_matches_counts."""
    if alpha < 0 or math.isnan(alpha):
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    if math.isinf(alpha):
        return torch.full(N.shape, 1.0 / N.shape[1], dtype=dtype)
    # For alpha > 1 divide through by alpha first, so a huge alpha cannot overflow the row sums.
    # A row with no counts at alpha=0 (a context never seen) gets the uniform distribution.
    P = N.to(dtype) + alpha if alpha <= 1 else N.to(dtype) / alpha + 1
    totals = P.sum(1, keepdim=True)
    return torch.where(totals > 0, P / torch.where(totals > 0, totals, 1.0), 1.0 / N.shape[1])


def sample_name(P: torch.Tensor, itos: dict[int, str], generator: torch.Generator) -> str:
    """The lesson's sampling loop on an n-gram table's contexts. Defined in 09_trigram."""
    rows, V = P.shape
    out = []
    ctx = 0  # n-1 sentinels
    while True:
        ix = int(torch.multinomial(P[ctx], num_samples=1, replacement=True, generator=generator))
        if ix == 0:
            break
        out.append(itos[ix])
        ctx = (ctx * V + ix) % rows  # drop the oldest character, append ix
    return "".join(out)


def sample_names(
    P: torch.Tensor,
    itos: dict[int, str],
    count: int,
    generator: torch.Generator,
    max_len: int | None = None,
) -> list[str]:
    """`count` names at once, one batched inverse-CDF draw per position. Defined in 04_sampling."""
    # Same distribution as sample_name, not the same draws; `max_len` cuts a name that long.
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not (P.sum(1) > 0).all():
        raise ValueError("P has a row with no probability: sampling could never leave it")
    rows, V = P.shape
    cdf = P.to(torch.float64).cumsum(1)
    cdf /= cdf[:, -1:].clone()  # the last entry exactly 1, so every u in [0, 1) lands in a row
    ctx = torch.zeros(count, dtype=torch.long)
    alive = torch.ones(count, dtype=torch.bool)
    columns: list[torch.Tensor] = []
    while alive.any() and (max_len is None or len(columns) < max_len):
        u = torch.rand((count, 1), generator=generator, dtype=torch.float64)
        ix = torch.searchsorted(cdf[ctx], u, right=True).squeeze(1).clamp(max=V - 1) * alive
        columns.append(ix)
        alive &= ix != 0
        ctx = (ctx * V + ix) % rows
    if not columns:
        return [""] * count
    grid = torch.stack(columns, dim=1)  # each row: a name's indices, then zeros
    lengths = (grid != 0).sum(1).tolist()
    text = "".join([itos[ix] for ix in grid[grid != 0].tolist()])
    ends = list(itertools.accumulate(lengths))
    return [text[end - length : end] for end, length in zip(ends, lengths, strict=True)]


# --- the one-hot net, trained from the counts ----------------------------------------------


def count_loss_and_grad(
    W: torch.Tensor, N: torch.Tensor, l2: float = 0.0
) -> tuple[float, torch.Tensor]:
    """The one-hot net's loss and gradient from counts. Defined in 08_matches_counts."""
    # Row i of the data is N[i].sum() copies of one-hot(i), so
    # dL/dW = (N.sum(1) * softmax(W) - N) / N.sum() + 2 * l2 * W / W.numel().
    W = W.detach()
    Nf = N.to(W.dtype)
    total = Nf.sum()
    if total == 0:
        raise ValueError("N holds no counts: there is nothing to train on")
    logp = torch.log_softmax(W, dim=1)
    loss = -(Nf * logp).sum() / total
    grad = (Nf.sum(1, keepdim=True) * logp.exp() - Nf) / total
    if l2:
        loss, grad = loss + l2 * (W**2).mean(), grad + (2 * l2 / W.numel()) * W
    return loss.item(), grad


def net_probabilities(W: torch.Tensor) -> torch.Tensor:
    """softmax(W) by rows: the net's probabilities. Defined in 08_matches_counts."""
    return torch.softmax(W.detach(), dim=1)


def fit_fast(
    N: torch.Tensor,
    tolerance: float = 1e-3,
    lr: float = 50.0,
    momentum: float = 0.99,
    max_steps: int = 100_000,
    on_step: Callable[[float], object] | None = None,
) -> tuple[torch.Tensor, list[float]]:
    """Momentum from W = 0 to `tolerance` of the count bound. Defined in 08_matches_counts."""
    # The bound is the count model's NLL at alpha=0, the lowest any table reaches here. A step
    # that would raise the loss is not taken: momentum is dropped, and if even a plain step
    # overshoots, lr is halved, so the losses only fall, on any data.
    N = N.to(torch.float64)  # converted once, not at every step
    bound = average_nll(N, 0.0)
    W = torch.zeros(N.shape, dtype=torch.float64)
    velocity = torch.zeros_like(W)
    loss, grad = count_loss_and_grad(W, N)
    losses = [loss]
    while loss - bound > tolerance and len(losses) < max_steps:
        plain = not velocity.any()
        velocity.mul_(momentum).add_(grad, alpha=-lr)
        new_loss, new_grad = count_loss_and_grad(W + velocity, N)
        if new_loss <= loss:
            W += velocity
            loss, grad = new_loss, new_grad
            losses.append(loss)
            if on_step is not None:  # e.g. a progress bar (the command line's)
                on_step(loss)
        else:
            velocity.zero_()
            if plain:
                lr /= 2
    return W, losses


# --- splits --------------------------------------------------------------------------------


def split_words(
    words: list[str], seed: int = SEED, fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> tuple[list[str], list[str], list[str]]:
    """Train/dev/test split of the unique words (no name in two sets). Defined in 10_splits."""
    unique = list(dict.fromkeys(words))
    random.Random(seed).shuffle(unique)
    n1 = int(fractions[0] * len(unique))
    n2 = int((fractions[0] + fractions[1]) * len(unique))
    where = (
        {w: 0 for w in unique[:n1]} | {w: 1 for w in unique[n1:n2]} | {w: 2 for w in unique[n2:]}
    )
    parts: tuple[list[str], list[str], list[str]] = ([], [], [])
    for w in words:
        parts[where[w]].append(w)
    return parts
