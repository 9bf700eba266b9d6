"""The bigram character model of makemore part 1, as small functions over tensors.

Every function names the notebook that teaches it. The lesson's loops and the fast paths stand
side by side and are tested equal (tests/test_bigram.py). Everything generalises from bigrams to
n-grams the same way: a model is a 2-D table whose rows are *contexts* (the previous n-1
characters, flattened into one index: ctx = c1*V**(n-2) + ... + c_{n-1}) and whose columns are
the next character. For bigrams the context is just the previous character, so the table is the
lesson's V x V matrix `N` (counts) or `P` (probabilities).

Run `python -m helpers.bigram FILE` for the makemore-style command line (see `main`).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import random
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

SENTINEL = "."
SEED = 2147483647


class DataError(ValueError):
    """Bad input data; the message names the file and, where there is one, the line."""


# --- loading -------------------------------------------------------------------------------


def load_words(path: str | Path, sentinel: str = SENTINEL) -> list[str]:
    """Read one word per line (UTF-8, LF or CRLF, optional BOM), skipping blank lines.

    Defined in 01_dataset. Raises DataError naming the file (and line) for a missing file, a
    directory, bytes that are not UTF-8, a file with no words, or a word holding `sentinel`.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a file of words") from None
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DataError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff")
    words = []
    for number, line in enumerate(text.split("\n"), start=1):
        word = line.removesuffix("\r")
        if not word.strip():
            continue
        if sentinel and sentinel in word:
            raise DataError(
                f"{path}:{number}: the word {word!r} holds the sentinel character "
                f"{sentinel!r}; choose another sentinel (e.g. --sentinel '#')"
            )
        words.append(word)
    if not words:
        what = "is empty" if not data else "holds only blank lines"
        raise DataError(f"{path}: no words: the file {what}")
    return words


def dataset_stats(words: list[str]) -> dict[str, int]:
    """Words, unique words, shortest and longest length, distinct characters.

    Defined in 01_dataset.
    """
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
    """`stoi`/`itos` with the sentinel at index 0 and the sorted characters from 1.

    Defined in 03_count_matrix.
    """
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
    """The lesson's dict of bigram counts, with `<S>` and `<E>` tokens (the zip trick).

    Defined in 02_bigram_dict.
    """
    b: dict[tuple[str, str], int] = {}
    for w in words:
        chs = ["<S>"] + list(w) + ["<E>"]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            bigram = (ch1, ch2)
            b[bigram] = b.get(bigram, 0) + 1
    return b


def count_matrix_two_tokens(words: list[str]) -> tuple[torch.Tensor, dict[str, int]]:
    """The (V+2) x (V+2) count matrix with separate `<S>` and `<E>` tokens (the 28x28 one).

    Defined in 03_count_matrix. `<S>` never follows anything and nothing follows `<E>`: one
    row and one column are structurally zero.
    """
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
    """The lesson's V x V count matrix `N`, one `N[ix1, ix2] += 1` per bigram.

    Defined in 03_count_matrix. Slow on purpose: it is the loop the lesson writes.
    """
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    sentinel = next(s for s, i in stoi.items() if i == 0)
    for w in words:
        chs = [sentinel] + list(w) + [sentinel]
        for ch1, ch2 in zip(chs, chs[1:], strict=False):
            N[stoi[ch1], stoi[ch2]] += 1
    return N


def training_pairs_loop(
    words: list[str], stoi: dict[str, int], n: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's loop building `(xs, ys)`, one example at a time; equals `training_pairs`.

    Defined in 06_neural_net.
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    V = len(stoi)
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


def encode_text(text: str, stoi: dict[str, int]) -> torch.Tensor:
    """Every character of a string to its index at once, through a lookup table on code points.

    Defined in 03_count_matrix (the vectorised count). Raises KeyError for a character that is
    not in `stoi`, as `stoi[ch]` would.
    """
    if not text:
        return torch.zeros(0, dtype=torch.long)  # torch.frombuffer refuses an empty buffer
    top = max(map(ord, stoi))
    if top < 256 and text.isascii():
        codes = torch.frombuffer(bytearray(text.encode("ascii")), dtype=torch.uint8)
    else:
        codes = torch.frombuffer(bytearray(text.encode("utf-32-le")), dtype=torch.int32)
    lut = torch.full((max(top, 255) + 1,), -1, dtype=torch.long)
    lut[torch.tensor([ord(s) for s in stoi])] = torch.tensor(list(stoi.values()))
    codes = codes.long()
    inside = codes < len(lut)
    ix = torch.where(inside, lut[codes.clamp(max=len(lut) - 1)], -1)
    if (ix < 0).any():
        raise KeyError(text[(ix < 0).nonzero()[0, 0].item()])
    return ix


def training_pairs(
    words: list[str], stoi: dict[str, int], n: int = 2
) -> tuple[torch.Tensor, torch.Tensor]:
    """`(xs, ys)`: each context index and the index of the character that follows it.

    Defined in 06_neural_net (for bigrams xs is the previous character). A word is padded with
    n-1 sentinels in front and one behind, so every word gives len(word)+1 examples. Built
    without a Python loop over characters: all padded words are encoded as one string, and
    every position but the n-1 front pads of each word is a target (an empty word included).
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if not words:
        return torch.zeros(0, dtype=torch.long), torch.zeros(0, dtype=torch.long)
    V = len(stoi)
    sentinel = next(s for s, i in stoi.items() if i == 0)
    pad = sentinel * (n - 1)
    ix = encode_text(pad + (sentinel + pad).join(words) + sentinel, stoi)
    blocks = torch.tensor([len(w) + n for w in words], dtype=torch.long)  # pad + word + end
    starts = blocks.cumsum(0) - blocks
    is_target = torch.ones(len(ix), dtype=torch.bool)
    is_target[(starts[:, None] + torch.arange(n - 1)).view(-1)] = False
    targets = is_target.nonzero().squeeze(1)
    xs = torch.zeros_like(targets)
    for back in range(n - 1, 0, -1):
        xs = xs * V + ix[targets - back]
    return xs, ix[targets]


def counts_from_pairs(xs: torch.Tensor, ys: torch.Tensor, V: int, n: int = 2) -> torch.Tensor:
    """The V**(n-1) x V count table from `(xs, ys)` in one `torch.bincount`.

    Defined in 03_count_matrix (the vectorised count).
    """
    rows = V ** (n - 1)
    flat = torch.bincount(xs * V + ys, minlength=rows * V)
    return flat.view(rows, V).to(torch.int32)


def count_matrix(words: list[str], stoi: dict[str, int], n: int = 2) -> torch.Tensor:
    """The count table `N` (V x V for bigrams), vectorised; equals `count_matrix_loop`.

    Defined in 03_count_matrix. For bigrams one sentinel between words ends one word and starts
    the next, so the bigrams are exactly the neighbouring pairs of "." + ".".join(words) + ".".
    """
    V = len(stoi)
    if n != 2 or not words:
        xs, ys = training_pairs(words, stoi, n)
        return counts_from_pairs(xs, ys, V, n)
    sentinel = next(s for s, i in stoi.items() if i == 0)
    text = sentinel + sentinel.join(words) + sentinel
    ords = [ord(ch) for ch in sorted(stoi, key=stoi.__getitem__)]  # code point of index 0, 1, ...
    if text.isascii() and max(ords) < 128:
        # One byte a character: count every byte pair in one bincount, keep the vocabulary's.
        codes = torch.frombuffer(bytearray(text.encode("ascii")), dtype=torch.uint8).int()
        pairs = torch.bincount(codes[:-1] * 128 + codes[1:], minlength=128 * 128).view(128, 128)
        N = pairs[ords][:, ords]
        if N.sum() == len(text) - 1:  # else a character outside stoi: encode_text names it
            return N.to(torch.int32)
    ix = encode_text(text, stoi)
    return counts_from_pairs(ix[:-1], ix[1:], V)


# --- probabilities -------------------------------------------------------------------------


def probabilities(
    N: torch.Tensor, alpha: float = 1.0, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Row-normalised `P` from counts with add-alpha smoothing (`keepdim=True` broadcasting).

    Defined in 04_sampling. A row with no counts at alpha=0 (a context never seen) gets the
    uniform distribution, the limit of any smoothing, so every row sums to 1.
    """
    if alpha < 0 or math.isnan(alpha):
        raise ValueError(f"alpha must be >= 0, got {alpha}")
    if math.isinf(alpha):
        return torch.full(N.shape, 1.0 / N.shape[1], dtype=dtype)
    # (N + alpha) / (S + V alpha); for alpha > 1 divide through by alpha first, so a huge alpha
    # cannot overflow the row sums (inf or nan rows) and P tends to uniform as it should.
    P = N.to(dtype) + alpha if alpha <= 1 else N.to(dtype) / alpha + 1
    totals = P.sum(1, keepdim=True)
    P = torch.where(totals > 0, P / torch.where(totals > 0, totals, 1.0), 1.0 / N.shape[1])
    return P


# --- sampling ------------------------------------------------------------------------------


def sample_name(P: torch.Tensor, itos: dict[int, str], generator: torch.Generator) -> str:
    """The lesson's sampling loop: one `torch.multinomial` draw per character until the sentinel.

    Defined in 04_sampling. Returns the word without the closing sentinel.
    """
    rows, V = P.shape
    out = []
    ctx = 0
    while True:
        p = P[ctx]
        ix = torch.multinomial(p, num_samples=1, replacement=True, generator=generator).item()
        if ix == 0:
            break
        out.append(itos[ix])
        ctx = (ctx * V + ix) % rows
    return "".join(out)


def sample_names(
    P: torch.Tensor, itos: dict[int, str], count: int, generator: torch.Generator
) -> list[str]:
    """Draw `count` names at once: one batched inverse-CDF draw per position.

    Defined in 04_sampling (the fast way). Same distribution as `sample_name`, not the same
    draws: a uniform number u picks the first character whose cumulative probability exceeds u.
    """
    rows, V = P.shape
    cdf = P.to(torch.float64).cumsum(1)
    cdf /= cdf[:, -1:].clone()  # the last entry exactly 1, so every u in [0, 1) lands in a row
    ctx = torch.zeros(count, dtype=torch.long)
    alive = torch.ones(count, dtype=torch.bool)
    columns = []
    while alive.any():
        u = torch.rand((count, 1), generator=generator, dtype=torch.float64)
        ix = torch.searchsorted(cdf[ctx], u, right=True).squeeze(1) * alive
        columns.append(ix)
        alive &= ix != 0
        ctx = (ctx * V + ix) % rows
    if not columns:
        return []
    grid = torch.stack(columns, dim=1)  # each row: a name's indices, then zeros
    lengths = (grid != 0).sum(1).tolist()
    text = "".join([itos[ix] for ix in grid[grid != 0].tolist()])
    ends = list(itertools.accumulate(lengths))
    return [text[end - length : end] for end, length in zip(ends, lengths, strict=True)]


# --- scoring -------------------------------------------------------------------------------


def nll_loop(words: list[str], P: torch.Tensor, stoi: dict[str, int], n: int = 2) -> float:
    """The lesson's average negative log-likelihood: sum log P over every bigram, then average.

    Defined in 05_nll_smoothing.
    """
    log_likelihood = 0.0
    count = 0
    xs, ys = training_pairs_loop(words, stoi, n)
    for ctx, ix in zip(xs.tolist(), ys.tolist(), strict=True):
        log_likelihood += torch.log(P[ctx, ix]).item()
        count += 1
    return -log_likelihood / count


def nll_from_counts(N: torch.Tensor, P: torch.Tensor) -> float:
    """The same average NLL from the count table: -sum(N * log P) / sum(N), O(V^2).

    Defined in 05_nll_smoothing. A zero count contributes nothing, even where P is 0.
    """
    logP = torch.log(P.to(torch.float64))
    N = N.to(torch.float64)
    total = torch.where(N > 0, N * logP, torch.zeros((), dtype=torch.float64)).sum()
    return (-total / N.sum()).item()


def average_nll(N: torch.Tensor, alpha: float) -> float:
    """Average NLL of the data behind `N` under the add-alpha model built from `N` itself.

    Defined in 05_nll_smoothing (what the smoothing slider shows).
    """
    return nll_from_counts(N, probabilities(N, alpha, dtype=torch.float64))


def word_breakdown(
    word: str, P: torch.Tensor, stoi: dict[str, int]
) -> list[tuple[str, float, float]]:
    """Per-bigram (pair, probability, -log probability) of one word, sentinels included.

    Defined in 05_nll_smoothing.
    """
    sentinel = next(s for s, i in stoi.items() if i == 0)
    chs = [sentinel] + list(word) + [sentinel]
    rows = []
    for ch1, ch2 in zip(chs, chs[1:], strict=False):
        prob = P[stoi[ch1], stoi[ch2]].item()
        rows.append((ch1 + ch2, prob, -math.log(prob) if prob > 0 else math.inf))
    return rows


# --- the neural net ------------------------------------------------------------------------


def init_weights(rows: int, V: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """`W`, rows x V standard-normal weights with `requires_grad` (zeros if no generator).

    Defined in 06_neural_net. Zero weights predict exactly the uniform distribution.
    """
    if generator is None:
        return torch.zeros((rows, V), requires_grad=True)
    return torch.randn((rows, V), generator=generator, requires_grad=True)


def forward_nll(
    W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, l2: float = 0.0
) -> torch.Tensor:
    """The lesson's forward pass: one-hot (float!) @ W, softmax, NLL by indexing, + l2 * mean(W^2).

    Defined in 06_neural_net.
    """
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
    """The lesson's full-batch gradient descent on the one-hot net; updates `W` in place.

    Defined in 06_neural_net. Returns the loss before each update.
    """
    losses = []
    for _ in range(steps):
        loss = forward_nll(W, xs, ys, l2)
        W.grad = None
        loss.backward()
        W.data += -lr * W.grad
        losses.append(loss.item())
    return losses


def count_loss_and_grad(
    W: torch.Tensor, N: torch.Tensor, l2: float = 0.0
) -> tuple[float, torch.Tensor]:
    """The one-hot net's full-batch loss and gradient, from the count table instead of the rows.

    Defined in 07_matches_counts. Row i of the data is N[i].sum() copies of one-hot(i), so
    dL/dW = (N.sum(1) * softmax(W) - N) / N.sum() + 2 * l2 * W / W.numel().
    """
    W = W.detach()
    Nf = N.to(W.dtype)
    total = Nf.sum()
    logp = torch.log_softmax(W, dim=1)
    loss = -(Nf * logp).sum() / total + l2 * (W**2).mean()
    grad = (Nf.sum(1, keepdim=True) * logp.exp() - Nf) / total + (2 * l2 / W.numel()) * W
    return loss.item(), grad


@contextlib.contextmanager
def one_thread():
    """Run tiny-tensor loops on one intra-op thread, then restore the setting.

    Defined in 07_matches_counts. On a 27x27 table a second thread cannot help, and while
    another program keeps a core busy, waiting for it made `exp` 1,000x slower (measured).
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_fast(
    W: torch.Tensor, N: torch.Tensor, steps: int, lr: float = 50.0, l2: float = 0.0
) -> list[float]:
    """Full-batch gradient descent with the same gradients as `train_onehot`, from counts.

    Defined in 07_matches_counts. `count_loss_and_grad`'s formula, arranged for speed: each
    step costs O(V^2) instead of O(bigrams x V). Updates `W` in place; returns the loss before
    each update.
    """
    target = N.to(W.dtype) / N.sum()
    row_share = target.sum(1, keepdim=True)
    losses = torch.empty(steps, dtype=torch.float64)
    with torch.no_grad(), one_thread():
        for k in range(steps):
            logp = torch.log_softmax(W, dim=1)
            loss = -torch.dot(target.view(-1), logp.view(-1))
            grad = torch.addcmul(-target, row_share, logp.exp())
            if l2:
                loss = loss + l2 * (W**2).mean()
                grad += (2 * l2 / W.numel()) * W
            losses[k] = loss
            W.add_(grad, alpha=-lr)
    return losses.tolist()


def net_probabilities(W: torch.Tensor) -> torch.Tensor:
    """softmax(W) by rows: the net's table of next-character probabilities.

    Defined in 07_matches_counts.
    """
    return torch.softmax(W.detach(), dim=1)


def fit_fast(
    N: torch.Tensor,
    tolerance: float = 1e-3,
    lr: float = 50.0,
    momentum: float = 0.99,
    max_steps: int = 100_000,
) -> tuple[torch.Tensor, list[float]]:
    """Train from zero weights until within `tolerance` nats of the count bound; (W, losses).

    Defined in 07_matches_counts. The gradients of `train_fast` with heavy-ball momentum (each
    step keeps `momentum` of the last one): hundreds of steps where plain steps need tens of
    thousands. A step that would raise the loss is not taken: the momentum is dropped, and if
    even a plain step overshoots, `lr` is halved, so the losses only fall, on any data. The bound
    is the count model's NLL at alpha=0, the lowest average NLL any table can reach here.
    """
    bound = average_nll(N, 0.0)
    W = torch.zeros(N.shape, dtype=torch.float64)
    velocity = torch.zeros_like(W)
    loss, grad = count_loss_and_grad(W, N)
    losses = [loss]
    with one_thread():
        while loss - bound > tolerance and len(losses) < max_steps:
            plain = not velocity.any()
            velocity.mul_(momentum).add_(grad, alpha=-lr)
            new_loss, new_grad = count_loss_and_grad(W + velocity, N)
            if new_loss <= loss:
                W += velocity
                loss, grad = new_loss, new_grad
                losses.append(loss)
            else:
                velocity.zero_()
                if plain:
                    lr /= 2
    return W, losses


# --- splits, saving, the command line ------------------------------------------------------


def split_words(
    words: list[str], seed: int = SEED, fractions: tuple[float, float, float] = (0.8, 0.1, 0.1)
) -> tuple[list[str], list[str], list[str]]:
    """Train/dev/test split of the *unique* words (no name in two sets), order of first seen.

    Defined in 09_splits. Duplicates of a name all go to the set that name is drawn into.
    """
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


def save_model(path: str | Path, P: torch.Tensor, itos: dict[int, str], n: int) -> None:
    """Save a probability table with its vocabulary so it can sample without the dataset.

    Raises DataError naming the path if it cannot be written.
    """
    try:
        torch.save({"P": P, "itos": itos, "n": n, "format": "makemore-bigram/1"}, path)
    except (OSError, RuntimeError) as err:  # torch raises RuntimeError for a missing folder
        raise DataError(f"{path}: cannot save the model ({err})") from None


def load_model(path: str | Path) -> tuple[torch.Tensor, dict[int, str], int]:
    """Load what `save_model` wrote: (P, itos, n). Raises DataError on anything else."""
    path = Path(path)
    try:
        blob = torch.load(path, weights_only=True)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, not a saved model") from None
    except Exception:  # torch raises many types for a file that is not a checkpoint
        raise DataError(f"{path}: not a model saved with --save") from None
    if not isinstance(blob, dict) or blob.get("format") != "makemore-bigram/1":
        raise DataError(f"{path}: not a model saved with --save")
    P, itos, n = blob.get("P"), blob.get("itos"), blob.get("n")
    if not (
        isinstance(P, torch.Tensor)
        and isinstance(itos, dict)
        and isinstance(n, int)
        and n >= 2
        and P.shape == (len(itos) ** (n - 1), len(itos))
        and set(itos) == set(range(len(itos)))
    ):
        raise DataError(f"{path}: a damaged model file (P, itos and n do not fit together)")
    return P, itos, n


def _report(words: list[str], args: argparse.Namespace) -> dict:
    """Everything the CLI prints, as one dict (the --json object)."""
    stoi, itos = build_vocab(words, args.sentinel)
    V = len(stoi)
    g = torch.Generator().manual_seed(args.seed)
    stats = dataset_stats(words)
    report = {
        "words": stats["words"],
        "unique": stats["unique"],
        "min_len": stats["min_len"],
        "max_len": stats["max_len"],
        "vocab_size": V,
        "bigrams": sum(len(w) + 1 for w in words),
    }
    if args.n != 2:
        report["n"] = args.n
    if args.split:
        train, dev, test = split_words(words, args.seed)
        if not (train and dev and test):
            raise DataError(
                f"{args.file}: too few unique words ({stats['unique']}) to split 80/10/10"
            )
        N = count_matrix(train, stoi, args.n)
        P = probabilities(N, args.smoothing)
        counts = {"train": N, "dev": count_matrix(dev, stoi, args.n)}
        counts["test"] = count_matrix(test, stoi, args.n)
        report["split"] = {
            name: {"words": len(part), "nll_counts": nll_from_counts(counts[name], P)}
            for name, part in (("train", train), ("dev", dev), ("test", test))
        }
    else:
        N = count_matrix(words, stoi, args.n)
        P = probabilities(N, args.smoothing)
    report["nll_counts"] = nll_from_counts(N, P)
    if args.steps is None:
        W, _ = fit_fast(N, tolerance=1e-3)
    else:
        W = torch.zeros(N.shape, dtype=torch.float64)
        train_fast(W, N, args.steps)
    report["nll_neural"] = count_loss_and_grad(W, N)[0]
    report["samples"] = [sample_name(P, itos, g) for _ in range(args.samples)]
    if args.save:
        save_model(args.save, P, itos, args.n)
    return report


def _json_safe(value: object) -> object:
    """An infinite NLL (alpha=0 and a pair never seen) becomes null: JSON has no infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    return value


def _print_report(report: dict, args: argparse.Namespace) -> None:
    """Human-readable form of the report."""
    print(
        f"{args.file}: {report['words']:,} words ({report['unique']:,} unique), "
        f"length {report['min_len']}..{report['max_len']}"
    )
    print(f"vocabulary: {report['vocab_size']} symbols including the sentinel {args.sentinel!r}")
    print(f"{'bigrams' if args.n == 2 else f'{args.n}-grams'}: {report['bigrams']:,}")
    for name, part in report.get("split", {}).items():
        print(f"  {name:5} {part['words']:>7,} words  NLL {part['nll_counts']:.4f}")
    print(f"count model NLL (alpha={args.smoothing:g}): {report['nll_counts']:.4f}")
    print(f"neural net NLL (trained on counts, alpha=0 target): {report['nll_neural']:.4f}")
    for name in report["samples"]:
        print(name)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m helpers.bigram",
        description="Train the makemore bigram (or n-gram) model on a one-word-per-line file, "
        "report its statistics and loss, and sample from it.",
    )
    p.add_argument("file", nargs="?", help="UTF-8 text file, one word per line")
    p.add_argument("--samples", type=int, default=10, help="names to sample (default 10)")
    p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    p.add_argument("--smoothing", type=float, default=1.0, help="add-alpha smoothing (default 1)")
    p.add_argument(
        "--steps",
        type=int,
        default=None,
        help="gradient steps for the net (default: until within 1e-3 of the bound)",
    )
    p.add_argument("--sentinel", default=SENTINEL, help="start/end character (default '.')")
    p.add_argument(
        "--n",
        type=int,
        default=2,
        help="2 bigram (default), 3 trigram, 4 (the net then takes about a minute)",
    )
    p.add_argument(
        "--split", action="store_true", help="report train/dev/test NLL (80/10/10 by unique word)"
    )
    p.add_argument("--save", metavar="PATH", help="save the count model to PATH")
    p.add_argument("--load", metavar="PATH", help="sample from a saved model instead of training")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def main(argv: list[str] | None = None) -> int:
    """The command line: exit 0 on success, 2 with one line on stderr for bad input."""
    parser = _parser()
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        if args.samples < 0:
            raise DataError(f"--samples must be >= 0, got {args.samples}")
        if args.smoothing < 0 or math.isnan(args.smoothing):
            raise DataError(f"--smoothing must be >= 0, got {args.smoothing}")
        if args.steps is not None and args.steps < 0:
            raise DataError(f"--steps must be >= 0, got {args.steps}")
        if len(args.sentinel) != 1:
            raise DataError(f"--sentinel must be one character, got {args.sentinel!r}")
        if not 2 <= args.n <= 4:
            raise DataError(f"--n must be between 2 and 4, got {args.n}")
        if args.load:
            P, itos, _ = load_model(args.load)
            g = torch.Generator().manual_seed(args.seed)
            report = {"samples": [sample_name(P, itos, g) for _ in range(args.samples)]}
            print(
                json.dumps(report, ensure_ascii=False)
                if args.json
                else "\n".join(report["samples"])
            )
            return 0
        if args.file is None:
            parser.error("FILE is required unless --load is given")
        words = load_words(args.file, args.sentinel)
        table = (len(set("".join(words))) + 1) ** args.n
        if table > 50_000_000:
            raise DataError(
                f"{args.file}: a {args.n}-gram table would hold {table:,} numbers; lower --n"
            )
        report = _report(words, args)
    except (DataError, OSError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_json_safe(report), ensure_ascii=False, allow_nan=False))
    else:
        _print_report(report, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
