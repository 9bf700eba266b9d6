"""09 · Trigrams: two characters of context, by counting and by the net."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F

from helpers.checks import ref
from helpers.checks.core import Mistake, Rule, Step, Wrong, call, declare, get, same
from helpers.checks.nb_neural_net import tensors
from helpers.checks.nb_training import LOOSE, TRAIN, _look_losses

V = ref.V
EMMA = [(".", ".", "e"), (".", "e", "m"), ("e", "m", "m"), ("m", "m", "a"), ("m", "a", ".")]


def _look_of(ns: Mapping[str, Any]) -> dict[str, Any]:
    out = call(ns, "trigrams_of", "emma")
    return {"emma": out}


def _not_tuples(v: dict[str, Any]) -> bool:
    out = v["emma"]
    return not (isinstance(out, list) and all(isinstance(t, tuple) for t in out))


@functools.cache
def _N3(end: bool = True, row: str = "c1 * 27 + c2") -> torch.Tensor:
    """The (729, 27) trigram counts; `row` as a learner may flatten the context (the
    lesson's c1 * 27 + c2, or "c2 * 27 + c1", "c1 * 26 + c2")."""
    ix = ref.stoi()
    N3 = torch.zeros((V * V, V), dtype=torch.int64)
    for (a, b, c), k in ref.trigrams(end).items():
        c1, c2 = ix[a], ix[b]
        r = {"c1 * 27 + c2": c1 * V + c2, "c2 * 27 + c1": c2 * V + c1, "c1 * 26 + c2": c1 * 26 + c2}
        N3[r[row], ix[c]] += k
    return N3


def _look_counts(ns: Mapping[str, Any]) -> dict[str, Any]:
    tc = get(ns, "trigram_counts")
    if not hasattr(tc, "items"):
        raise Wrong("`trigram_counts` should be a Counter of (c1, c2, c3) tuples.")
    return {"trigram_counts": dict(tc), "N3": get(ns, "N3")}


def _nll(n: int, alpha: float) -> float:
    grams = ref.bigrams() if n == 2 else ref.trigrams()
    rows: dict[Any, int] = {}
    for g, k in grams.items():
        rows[g[:-1]] = rows.get(g[:-1], 0) + k
    total = sum(grams.values())
    return (
        -sum(k * math.log((k + alpha) / (rows[g[:-1]] + V * alpha)) for g, k in grams.items())
        / total
    )


def _look_nll(ns: Mapping[str, Any]) -> dict[str, Any]:
    nll = get(ns, "nll")
    if not isinstance(nll, dict) or (3, 1.0) not in nll:
        raise Wrong("`nll` should be a dict keyed by (n, alpha), e.g. nll[3, 1.0].")
    return {"nll": {k: float(v) for k, v in nll.items()}}


def _nlls(scale: float = 1.0, whole: bool = False) -> dict[str, Any]:
    nll = _nll_whole if whole else _nll
    return {"nll": {(n, a): scale * nll(n, a) for n in (2, 3) for a in (0.0, 1.0)}}


def _nll_whole(n: int, alpha: float) -> float:
    """The average NLL when each table is divided by its grand total, not by its row sums."""
    grams = ref.bigrams() if n == 2 else ref.trigrams()
    cells = V**n  # the table's cells, every one with alpha added
    total = sum(grams.values())
    return -sum(k * math.log((k + alpha) / (total + cells * alpha)) for k in grams.values()) / total


@functools.cache
def _examples() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    ix = ref.stoi()
    rows = [
        (ix[a], ix[b], ix[c])
        for w in ref.words()
        for a, b, c in zip(".." + w, "." + w + ".", w + ".", strict=False)
    ]
    t = torch.tensor(rows)
    return t[:, 0], t[:, 1], t[:, 2]


def _look_inputs(ns: Mapping[str, Any]) -> dict[str, Any]:
    return {k: get(ns, k) for k in ("x1", "x2", "ys", "logits_index", "xenc")}


def _inputs(swap: bool = False) -> dict[str, Any]:
    x1, x2, ys = _examples()
    if swap:
        x1, x2 = x2, x1
    W = ref.seeded_W(2 * V, V)
    xenc = torch.cat([F.one_hot(x1, V), F.one_hot(x2, V)], dim=1).float()
    return {"x1": x1, "x2": x2, "ys": ys, "logits_index": W[x1] + W[V + x2], "xenc": xenc}


@functools.cache
def _training(
    steps: int = 100, mode: str = "right", l2: float = 0.01, lr: float = 30.0
) -> list[float]:
    """The lecture's loop on the trigram inputs (xenc @ W = W[c1] + W[27 + c2]) from the seeded
    (54, 27) W, on the (729, 27) counts (`ref.descent`): its losses."""
    first, second = torch.arange(V * V) // V, torch.arange(V * V) % V
    return ref.descent(
        _N3(), ref.seeded_W(2 * V, V), lambda W: W[first] + W[V + second], steps, mode, l2, lr
    )[0]


def _run(skip: int = 0, **kw: Any) -> dict[str, Any]:
    losses = _training(skip + 100, **kw)[skip:]
    return {"first": losses[:5], "steps": len(losses), "last": losses[-1]}


INPUTS_BLANK = """<<xs, ys = >>
x1, x2 = ..., ...  # the two context characters' indices, from xs

<<g = >>
<<W = >>
xenc = ...  # the one-hot of x1 next to the one-hot of x2: (examples, 54) floats
logits_index = ...  # the logits by indexing: the row of W for c1 plus the row for c2
<<num = >>"""
TRAIN_BLANK = """<<g = >>
<<W = >>
losses = []

# gradient descent
for k in range(100):
    # forward pass on xenc: logits, counts, probs, then the loss with the lesson's
    loss = ...  # + 0.01 * (W**2).mean()
    losses.append(loss.item())
    if k % 20 == 0:
        print(f"step {k:3d}  loss {loss.item():.4f}")
    # backward pass and update (learning rate 30)
    ..."""

declare(
    Step(
        name="trigrams_of",
        notebook="trigram",
        reads=("trigrams_of",),
        blank="def trigrams_of(word):\n    # the trigrams of word as (c1, c2, c3) tuples, with "
        "'.' padding\n    return ...\n\n\ntrigrams_of(\"emma\")",
        hints=(
            "Pad the word with two '.' in front (the context of its first character) and "
            "one after; zip three shifted copies.",
            'chs = ["."] * 2 + list(word) + ["."]; return list(zip(chs, chs[1:], chs[2:]))',
        ),
        anchor="def trigrams_of(word):",
        look=_look_of,
        reference=lambda: {"emma": EMMA},
        done=lambda v: "emma -> " + " ".join("".join(t[:2]) + "→" + t[2] for t in v["emma"]),
        shape=(
            Rule(
                "trigrams_of should return a list of (c1, c2, c3) tuples, "
                "list(zip(chs, chs[1:], chs[2:])): the later cells count and unpack them.",
                _not_tuples,
            ),
        ),
        mistakes=(
            Mistake(
                "the first trigram should be ('.', '.', 'e'): pad the start with two '.'.",
                lambda: {"emma": EMMA[1:]},
            ),
            Mistake(
                "no trigram ends with '.': the end token is forgotten.", lambda: {"emma": EMMA[:-1]}
            ),
            Mistake(
                "pairs, not triples: zip three shifted copies, chs, chs[1:], chs[2:].",
                lambda: {"emma": [t[1:] for t in EMMA]},
                when=lambda v: bool(v["emma"]) and len(v["emma"][0]) == 2,
            ),
        ),
    ),
    Step(
        name="trigram_counts",
        notebook="trigram",
        reads=("trigram_counts", "N3"),
        blank="trigram_counts = ...  # a Counter of every trigram of every word\nN3 = ...  # "
        "the (729, 27) count table: row c1 * 27 + c2, column c3",
        hints=(
            "Count every trigram of every word; the table's row is the pair of context "
            "characters flattened, c1 * 27 + c2.",
            "Counter(t for w in words for t in trigrams_of(w)); "
            "N3 = ngram.count_matrix(words, stoi, 3)",
        ),
        anchor="trigram_counts = Counter(t for w in words for t in trigrams_of(w))",
        look=_look_counts,
        reference=lambda: {"trigram_counts": dict(ref.trigrams()), "N3": _N3()},
        done=lambda v: f"{sum(v['trigram_counts'].values()):,} trigrams; N3 (729, 27)",
        shape=(
            tensors("N3"),
            Rule(
                "27x27x27 works, but here the context is flattened: N3.view(729, 27).",
                lambda v: tuple(v["N3"].shape) == (V, V, V),
            ),
        ),
        mistakes=(
            Mistake(
                "32,033 trigrams short (one per word): the end '.' is forgotten.",
                lambda: {"trigram_counts": dict(ref.trigrams(end=False))},
            ),
            Mistake(
                "N3 rows and columns: row c1 * 27 + c2, column c3 (not the transpose).",
                lambda: {"N3": _N3().T.contiguous()},
            ),
            Mistake(
                "N3 is the table with row c2 * 27 + c1: the two context characters are "
                "swapped; the row is c1 * 27 + c2, the first character times 27.",
                lambda: {"N3": _N3(row="c2 * 27 + c1")},
            ),
            Mistake(
                "N3 is the table with row c1 * 26 + c2, so contexts share rows and rows 703 "
                "on stay empty: there are 27 characters, row c1 * 27 + c2.",
                lambda: {"N3": _N3(row="c1 * 26 + c2")},
            ),
        ),
    ),
    Step(
        name="trigram_nll",
        notebook="trigram",
        reads=("nll",),
        blank="<<N2 = >>\nnll = ...  # a dict: nll[n, alpha] = "
        "average NLL of the n-gram count model, n in (2, 3),\n#           alpha in (0.0, 1.0)",
        hints=(
            "For each table and each alpha: probabilities from the counts, then the average "
            "negative log-likelihood.",
            "for n, N in ((2, N2), (3, N3)): for alpha in (0.0, 1.0): nll[n, alpha] = "
            "bigram.nll_from_counts(N, ngram.probabilities(N, alpha))",
        ),
        anchor="nll = {}",
        look=_look_nll,
        reference=_nlls,
        done=lambda v: (
            f"trigram NLL (α = 1) = {v['nll'][3, 1.0]:.4f}, below the bigram's "
            f"{v['nll'][2, 1.0]:.4f}"
        ),
        mistakes=(
            Mistake("the NLLs are negative: -log p needs its minus sign.", lambda: _nlls(-1.0)),
            Mistake(
                "those are sums over all 228,146 n-grams; the average is asked for.",
                lambda: _nlls(ref.BIGRAMS),
            ),
            Mistake(
                "those NLLs are of tables divided by their grand total (P sums to 1 over the "
                "whole table): each row is divided by its own sum, sum(1, keepdim=True).",
                lambda: _nlls(whole=True),
            ),
        ),
    ),
    Step(
        name="trigram_inputs",
        notebook="trigram",
        reads=("x1", "x2", "ys", "logits_index", "xenc"),
        blank=INPUTS_BLANK,
        hints=(
            "xs = c1 * 27 + c2: integer division and remainder by 27 give c1 and c2; the "
            "second half of W holds c2's rows.",
            "x1, x2 = xs // V, xs % V; logits_index = W[x1] + W[V + x2]",
        ),
        anchor="logits_index = W[x1] + W[V + x2]",
        look=_look_inputs,
        reference=_inputs,
        done=lambda v: f"{len(v['ys']):,} examples; logits (228,146, 27)",
        shape=(tensors("x1", "x2", "ys", "logits_index", "xenc"),),
        rules=(
            Rule(
                "xenc is not float32: the training loop multiplies it by W, .float().",
                lambda v: v["xenc"].dtype != torch.float32,
            ),
        ),
        mistakes=(
            Mistake(
                "x1 and x2 are swapped: the first context character is xs // 27.",
                lambda: _inputs(swap=True),
            ),
            Mistake(
                "logits_index = W[x1] + W[V + x2]: the first half of W for c1, the second for c2.",
                lambda: {"logits_index": _inputs()["logits_index"] * 0},
                when=lambda v: (
                    tuple(v["logits_index"].shape) == (ref.BIGRAMS, V)
                    and not same(v["logits_index"], _inputs()["logits_index"])
                ),
            ),
        ),
    ),
    Step(
        name="trigram_train",
        notebook="trigram",
        reads=("losses",),
        blank=TRAIN_BLANK,
        hints=(
            "The training loop of notebook 07, on the trigram inputs xenc, with learning rate 30.",
            TRAIN,
        ),
        anchor="W.data += -30 * W.grad",
        look=_look_losses,
        reference=lambda: _run(),
        done=lambda v: (
            f"loss {v['first'][0]:.4f} -> ... -> {v['last']:.4f} (between the "
            "trigram counts and the bigram)"
        ),
        # float32 against the float64 reference: 4.9e-7 over the 100 steps (measured), more
        # with W[x1] + W[27 + x2] (see 07); a penalty without its gradient is off by 1.1e-3
        # within the first five losses.
        tol=1e-4,
        mistakes=(
            Mistake(
                "the losses start where an earlier run ended: W was already trained. Re-run "
                "the whole cell, from the line that makes W.",
                lambda: _run(skip=100),
            ),
            Mistake(
                "the first loss is a sum over all 228,146 examples; the average is asked "
                "for, .mean().",
                lambda: {"first": [4.2 * ref.BIGRAMS]},
                when=lambda v: v["first"][0] > 100,
            ),
            Mistake(
                "gradients not reset between steps: set W.grad = None before backward().",
                lambda: {"first": _run(mode="no_reset")["first"]},
                tol=LOOSE,
            ),
            Mistake(
                "the update has the wrong sign: the loss goes up; W.data += -30 * W.grad.",
                lambda: {"first": _run(mode="wrong_sign")["first"]},
                tol=LOOSE,
            ),
            Mistake(
                "the losses lack the lesson's penalty: loss = ... + 0.01 * (W**2).mean().",
                lambda: {"first": _run(l2=0.0)["first"]},
                tol=LOOSE,
            ),
            Mistake(
                "learning rate 50 makes the loss bounce here: the lesson takes 30.",
                lambda: {"first": _run(lr=50.0)["first"]},
                tol=LOOSE,
            ),
            Mistake(
                "the losses are those of the penalty 0.01 * (W**2).sum(), 1,458 times the "
                "lesson's: the penalty is 0.01 * (W**2).mean().",
                lambda: {"first": _run(mode="penalty_sum")["first"]},
                tol=LOOSE,
            ),
            Mistake(
                "the losses are those of a penalty that adds to the loss but gives no gradient "
                "(from W.data or a detached W): the penalty is 0.01 * (W**2).mean(), of W "
                "itself.",
                lambda: {"first": _run(mode="penalty_no_grad")["first"]},
            ),
            Mistake(
                "the lesson takes 100 steps, for k in range(100), one loss appended per step.",
                lambda: {"steps": 50},
                when=lambda v: v["steps"] != 100,
            ),
        ),
    ),
)
