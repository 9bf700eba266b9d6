"""The lesson's code: the bigram model of makemore part 1, as plain functions over tensors.

For the learner who has watched the lecture and opens the file it sent them to: every function
here is taught in a notebook (its docstring names which), in the form the notebook teaches it,
with the lesson's names (stoi/itos, N, P, W) and no hidden state. Where a notebook teaches a
loop and then its vectorised form, both are here and tested equal. Everything generalises from
bigrams to n-grams one way: a model is a 2-D table whose rows are *contexts* (the previous n-1
characters flattened into one index, ctx = c1*V**(n-2) + ... + c_{n-1}) and whose columns are
the next character. Reading files lives in `helpers.data`, the command line in `helpers.cli`.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import torch
import torch.nn.functional as F

# fmt: off
__all__ = [
    "SEED", "SENTINEL", "average_nll", "bigram_dict", "build_vocab", "count_loss_and_grad",
    "count_matrix", "count_matrix_loop", "count_matrix_two_tokens", "dataset_stats", "decode",
    "encode", "fit_fast", "forward_nll", "init_weights", "net_probabilities", "nll_from_counts",
    "nll_loop", "probabilities", "sample_name", "sample_names", "split_words", "train_onehot",
    "training_pairs", "training_pairs_loop", "word_breakdown",
]
# fmt: on

SENTINEL = "."
SEED = 2147483647


def dataset_stats(words: list[str]) -> dict[str, int]:
    """Words, unique words, shortest and longest length, characters. Defined in 01_dataset."""
    if not words:
        raise ValueError("dataset_stats needs at least one word")
    lengths = [len(w) for w in words]
    return {
        "words": len(words),
        "unique": len(set(words)),
        "min_len": min(lengths),
        "max_len": max(lengths),
        "chars": len(set("".join(words))),
    }


# --- vocabulary ----------------------------------------------------------------------------


def build_vocab(
    words: list[str], sentinel: str = SENTINEL
) -> tuple[dict[str, int], dict[int, str]]:
    """`stoi`/`itos`: the sentinel at 0, sorted characters from 1. Defined in 03_count_matrix."""
    if len(sentinel) != 1:
        raise ValueError(f"the sentinel must be one character, got {sentinel!r}")
    chars = sorted(set("".join(words)))
    if sentinel in chars:
        raise ValueError(f"the sentinel {sentinel!r} occurs in the words; choose another")
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi[sentinel] = 0
    itos = {i: s for s, i in stoi.items()}
    return stoi, itos


def encode(word: str, stoi: dict[str, int]) -> list[int]:
    """Characters to indices. Defined in 03_count_matrix."""
    return [stoi[ch] for ch in word]


def decode(ixs: list[int], itos: dict[int, str]) -> str:
    """Indices to characters. Defined in 03_count_matrix."""
    return "".join(itos[ix] for ix in ixs)


# --- counting ------------------------------------------------------------------------------


def bigram_dict(words: list[str]) -> dict[tuple[str, str], int]:
    """The lesson's dict of bigram counts, `<S>` and `<E>` tokens. Defined in 02_bigram_dict."""
    b: dict[tuple[str, str], int] = {}
    for w in words:
        chs = ["<S>"] + list(w) + ["<E>"]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            bigram = (ch1, ch2)
            b[bigram] = b.get(bigram, 0) + 1
    return b


def count_matrix_two_tokens(words: list[str]) -> tuple[torch.Tensor, dict[str, int]]:
    """The 28x28 kind of counts: separate `<S>` and `<E>` tokens. Defined in 03_count_matrix."""
    chars = sorted(set("".join(words)))
    stoi = {s: i for i, s in enumerate(chars)}
    stoi["<S>"] = len(chars)
    stoi["<E>"] = len(chars) + 1
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    for w in words:
        chs = ["<S>"] + list(w) + ["<E>"]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            N[stoi[ch1], stoi[ch2]] += 1
    return N, stoi


def count_matrix_loop(words: list[str], stoi: dict[str, int]) -> torch.Tensor:
    """The lesson's counts `N`, one `N[ix1, ix2] += 1` per bigram. Defined in 03_count_matrix."""
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    sentinel = next(s for s, i in stoi.items() if i == 0)
    for w in words:
        chs = [sentinel] + list(w) + [sentinel]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            N[stoi[ch1], stoi[ch2]] += 1
    return N


def _check_n(n: int) -> None:
    """An n-gram needs at least one character of context."""
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")


def training_pairs_loop(
    words: list[str], stoi: dict[str, int], n: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's loop building `(xs, ys)` one example at a time. Defined in 06_neural_net."""
    V = len(stoi)
    _check_n(n)
    xs, ys = [], []
    for w in words:
        ixs = [0] * (n - 1) + [stoi[ch] for ch in w] + [0]
        ctx = 0
        for ix in ixs[: n - 1]:
            ctx = ctx * V + ix
        for ix in ixs[n - 1 :]:
            xs.append(ctx)
            ys.append(ix)
            ctx = (ctx * V + ix) % V ** (n - 1)
    return torch.tensor(xs, dtype=torch.long), torch.tensor(ys, dtype=torch.long)


def training_pairs(
    words: list[str], stoi: dict[str, int], n: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """`(xs, ys)` by tensor indexing, no loop per example. Defined in 06_neural_net."""
    V = len(stoi)
    _check_n(n)
    sentinel = next(s for s, i in stoi.items() if i == 0)
    pad = sentinel * (n - 1)  # each word gets n-1 sentinels in front and one behind
    ix = torch.tensor(encode("".join(pad + w + sentinel for w in words), stoi), dtype=torch.long)
    blocks = torch.tensor([len(w) + n for w in words], dtype=torch.long)
    starts = blocks.cumsum(0) - blocks  # where each padded word begins in `ix`
    is_target = torch.ones(len(ix), dtype=torch.bool)  # all but the n-1 pads of each word
    is_target[(starts[:, None] + torch.arange(n - 1)).view(-1)] = False
    targets = is_target.nonzero().squeeze(1)
    xs = torch.zeros_like(targets)
    for back in range(n - 1, 0, -1):
        xs = xs * V + ix[targets - back]
    return xs, ix[targets]


def count_matrix(words: list[str], stoi: dict[str, int], n: int = 2) -> torch.Tensor:
    """The counts `N` in one `torch.bincount` of `xs * V + ys`. Defined in 03_count_matrix."""
    V = len(stoi)
    xs, ys = training_pairs(words, stoi, n)
    return torch.bincount(xs * V + ys, minlength=V**n).view(V ** (n - 1), V).to(torch.int32)


# --- probabilities and sampling ------------------------------------------------------------


def probabilities(
    N: torch.Tensor, alpha: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Row-normalised `P` from counts, add-alpha smoothed (keepdim). Defined in 04_sampling."""
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
    """The lesson's loop: one `torch.multinomial` draw per character. Defined in 04_sampling."""
    rows, V = P.shape
    out = []
    ctx = 0
    while True:
        p = P[ctx]
        ix = int(torch.multinomial(p, num_samples=1, replacement=True, generator=generator))
        if ix == 0:
            break
        out.append(itos[ix])
        ctx = (ctx * V + ix) % rows
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


# --- scoring -------------------------------------------------------------------------------


def nll_loop(words: list[str], P: torch.Tensor, stoi: dict[str, int], n: int = 2) -> float:
    """The lesson's average NLL, one bigram at a time. Defined in 05_nll_smoothing."""
    if not words:
        raise ValueError("nll_loop needs at least one word")
    log_likelihood = 0.0
    count = 0
    xs, ys = training_pairs_loop(words, stoi, n)
    for ctx, ix in zip(xs.tolist(), ys.tolist(), strict=True):
        log_likelihood += torch.log(P[ctx, ix]).item()
        count += 1
    return -log_likelihood / count


def nll_from_counts(N: torch.Tensor, P: torch.Tensor) -> float:
    """The average NLL from the counts: -sum(N * log P) / sum(N). Defined in 05_nll_smoothing."""
    logP = torch.log(P.to(torch.float64))
    N = N.to(torch.float64)
    if N.sum() == 0:
        raise ValueError("N holds no counts: there is nothing to average over")
    # A zero count contributes nothing, even where P is 0.
    total = torch.where(N > 0, N * logP, torch.zeros((), dtype=torch.float64)).sum()
    return (-total / N.sum()).item()


def average_nll(N: torch.Tensor, alpha: float) -> float:
    """NLL of `N`'s data under its own add-alpha model. Defined in 05_nll_smoothing."""
    return nll_from_counts(N, probabilities(N, alpha, dtype=torch.float64))


def word_breakdown(
    word: str, P: torch.Tensor, stoi: dict[str, int]
) -> list[tuple[str, float, float]]:
    """(pair, probability, -log probability) per bigram of a word. Defined in 05_nll_smoothing."""
    sentinel = next(s for s, i in stoi.items() if i == 0)
    chs = [sentinel] + list(word) + [sentinel]
    rows = []
    for ch1, ch2 in zip(chs, chs[1:], strict=False):
        prob = P[stoi[ch1], stoi[ch2]].item()
        rows.append((ch1 + ch2, prob, -math.log(prob) if prob > 0 else math.inf))
    return rows


# --- the neural net ------------------------------------------------------------------------


def init_weights(rows: int, V: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """`W`: standard-normal weights, `requires_grad` (or zeros). Defined in 06_neural_net."""
    if generator is None:
        return torch.zeros((rows, V), requires_grad=True)
    return torch.randn((rows, V), generator=generator, requires_grad=True)


def forward_nll(
    W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, l2: float = 0.0
) -> torch.Tensor:
    """One-hot (float!) @ W, softmax, NLL by indexing, + l2 mean(W^2). Defined in 06_neural_net."""
    xenc = F.one_hot(xs, num_classes=W.shape[0]).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdim=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean()
    return loss + l2 * (W**2).mean()


def train_onehot(
    W: torch.Tensor,
    xs: torch.Tensor,
    ys: torch.Tensor,
    steps: int,
    lr: float = 50.0,
    l2: float = 0.0,
) -> list[float]:
    """The lesson's gradient descent, `W` in place; losses. Defined in 07_training."""
    if len(ys) == 0:
        raise ValueError("no training examples: the loss of nothing is undefined")
    losses = []
    for _ in range(steps):
        loss = forward_nll(W, xs, ys, l2)
        W.grad = None
        loss.backward()
        W.data += -lr * W.grad  # type: ignore[operator]
        losses.append(loss.item())
    return losses


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
