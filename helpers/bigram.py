"""The lesson's code: makemore part 1's bigram model, as notebooks 01-07 write it.

For the learner who has watched the lecture and opens the file a notebook sent them to: every
function here is the lesson's code in a function, with the lesson's names (stoi/itos, N, P, W),
its loops, its 27 x 27 table with '.' at index 0, and no hidden state. Each docstring names the
notebook that teaches it. Where a notebook writes a loop and then `torch.bincount`, both are here
and tested equal.

What goes beyond the lecture (n-grams, another sentinel, drawing many names at once, training
from the counts, splits) is in `helpers.ngram`; reading files is `helpers.data`, the command line
`helpers.cli`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

SEED = 2147483647  # the lesson's torch.Generator().manual_seed(2147483647)


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
    chars = sorted(list(set("".join(words))))
    stoi = {s: i for i, s in enumerate(chars)}
    stoi["<S>"] = len(chars)  # 26 for names.txt
    stoi["<E>"] = len(chars) + 1  # 27
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    for w in words:
        chs = ["<S>"] + list(w) + ["<E>"]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            N[stoi[ch1], stoi[ch2]] += 1
    return N, stoi


def build_vocab(words: list[str]) -> tuple[dict[str, int], dict[int, str]]:
    """`stoi`/`itos`: '.' at 0, the sorted characters from 1. Defined in 03_count_matrix."""
    chars = sorted(list(set("".join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    itos = {i: s for s, i in stoi.items()}
    return stoi, itos


def encode(word: str, stoi: dict[str, int]) -> list[int]:
    """Characters to indices. Defined in 03_count_matrix."""
    return [stoi[ch] for ch in word]


def decode(ixs: list[int], itos: dict[int, str]) -> str:
    """Indices to characters. Defined in 03_count_matrix."""
    return "".join(itos[ix] for ix in ixs)


def count_matrix_loop(words: list[str], stoi: dict[str, int]) -> torch.Tensor:
    """The lesson's counts `N`, one `N[ix1, ix2] += 1` per bigram. Defined in 03_count_matrix."""
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)  # 27 x 27
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1
    return N


def training_pairs(words: list[str], stoi: dict[str, int]) -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's `(xs, ys)`: every bigram's two indices. Defined in 03_count_matrix."""
    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    return torch.tensor(xs, dtype=torch.long), torch.tensor(ys, dtype=torch.long)


def count_matrix(words: list[str], stoi: dict[str, int]) -> torch.Tensor:
    """The counts `N` in one `torch.bincount` of `xs * 27 + ys`. Defined in 03_count_matrix."""
    V = len(stoi)  # 27
    xs, ys = training_pairs(words, stoi)
    return torch.bincount(xs * V + ys, minlength=V * V).view(V, V).to(torch.int32)


# --- probabilities and sampling ------------------------------------------------------------


def probabilities(
    N: torch.Tensor, alpha: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """`P = (N + alpha).float()` normalised by rows (keepdim!). Defined in 04_sampling."""
    # The lesson adds 1 (notebook 05 calls it alpha); alpha = 0 is notebook 04's plain P.
    if not alpha >= 0:  # negative, or nan
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    P = N.to(dtype) + alpha
    P /= P.sum(1, keepdim=True)
    return P


def sample_name(P: torch.Tensor, itos: dict[int, str], generator: torch.Generator) -> str:
    """The lesson's loop: one `torch.multinomial` draw per character. Defined in 04_sampling."""
    # The lesson prints the name with its final '.'; the name itself is returned here.
    out = []
    ix = 0
    while True:
        p = P[ix]
        ix = int(torch.multinomial(p, num_samples=1, replacement=True, generator=generator))
        if ix == 0:
            break
        out.append(itos[ix])
    return "".join(out)


# --- scoring -------------------------------------------------------------------------------


def nll_loop(words: list[str], P: torch.Tensor, stoi: dict[str, int]) -> float:
    """The lesson's average NLL, one bigram at a time. Defined in 05_nll_smoothing."""
    # The lesson adds float32 tensors; a Python float keeps the sum exact to the last digits.
    log_likelihood = 0.0
    n = 0
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            prob = P[stoi[ch1], stoi[ch2]]
            logprob = torch.log(prob)
            log_likelihood += logprob.item()
            n += 1
    if n == 0:
        raise ValueError("nll_loop needs at least one word")
    return -log_likelihood / n


def nll_from_counts(N: torch.Tensor, P: torch.Tensor) -> float:
    """The average NLL from the counts: -sum(N * log P) / sum(N). Defined in 05_nll_smoothing."""
    N = N.to(torch.float64)
    if N.sum() == 0:
        raise ValueError("N holds no counts: there is nothing to average over")
    logP = torch.log(P.to(torch.float64))
    # A zero count adds nothing, even where P is 0 (0 * -inf would be nan).
    total = torch.where(N > 0, N * logP, 0.0).sum()
    return (-total / N.sum()).item()


def average_nll(N: torch.Tensor, alpha: float) -> float:
    """NLL of `N`'s data under its own add-alpha model. Defined in 05_nll_smoothing."""
    return nll_from_counts(N, probabilities(N, alpha, dtype=torch.float64))


def word_breakdown(
    word: str, P: torch.Tensor, stoi: dict[str, int]
) -> list[tuple[str, float, float]]:
    """(bigram, probability, -log probability) of each bigram. Defined in 05_nll_smoothing."""
    rows = []
    chs = ["."] + list(word) + ["."]
    for ch1, ch2 in zip(chs, chs[1:], strict=False):
        prob = P[stoi[ch1], stoi[ch2]].item()
        rows.append((ch1 + ch2, prob, -math.log(prob) if prob > 0 else math.inf))
    return rows


# --- the neural net ------------------------------------------------------------------------


def init_weights(rows: int, V: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """`W`: standard-normal weights, `requires_grad` (or zeros). Defined in 06_neural_net."""
    if generator is None:
        return torch.zeros((rows, V), requires_grad=True)  # every row uniform: loss ln V
    return torch.randn((rows, V), generator=generator, requires_grad=True)


def forward_nll(
    W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, l2: float = 0.0
) -> torch.Tensor:
    """One-hot (float!) @ W, softmax, NLL by indexing, + l2 mean(W^2). Defined in 06_neural_net."""
    xenc = F.one_hot(xs, num_classes=W.shape[0]).float()
    logits = xenc @ W  # log-counts
    counts = logits.exp()  # equivalent to N
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
    """The lesson's gradient descent, `W` in place; the losses. Defined in 07_training."""
    if len(ys) == 0:
        raise ValueError("no training examples: the loss of nothing is undefined")
    losses = []
    for _ in range(steps):
        # forward pass
        loss = forward_nll(W, xs, ys, l2)
        losses.append(loss.item())
        # backward pass
        W.grad = None  # set to zero the gradient
        loss.backward()
        # update
        W.data += -lr * W.grad  # type: ignore[operator]
    return losses
