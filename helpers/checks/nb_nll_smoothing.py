"""05 · Negative log-likelihood and smoothing: the loops read as (log_likelihood, nll, n)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from typing import Any

import torch

from helpers.checks import ref
from helpers.checks.core import CELL, Mistake, Rule, Step, Wrong, changed, declare, get, is_tensor

READS = ("log_likelihood", "nll", "n")
LOOP_HINT = (
    "For each bigram: prob = P[ix1, ix2]; logprob = torch.log(prob); log_likelihood += logprob; "
    "n += 1. Then nll = -log_likelihood."
)


def _number(ns: Mapping[str, Any], name: str) -> float:
    value = get(ns, name)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Wrong(f"`{name}` should be one number, not a {type(value).__name__}.")
    return float(value)


def _look(ns: Mapping[str, Any]) -> dict[str, Any]:
    cell = str(ns.get(CELL, ""))
    if re.search(r"\blog_likelihood\s*\+=", cell) and not re.search(
        r"\blog_likelihood\s*=[^=]", cell
    ):
        raise Wrong(
            "your cell adds to log_likelihood without setting it first: it goes on from the "
            "sum an earlier cell left. Start with log_likelihood = 0.0 (and n = 0)."
        )
    return {
        "log_likelihood": _number(ns, "log_likelihood"),
        "nll": _number(ns, "nll"),
        "n": get(ns, "n"),
    }


def _loop(
    loop_words: Any,
    alpha: float,
    minus: bool = True,
    per: str = "",
    start: str = ".",
    end: str = ".",
) -> dict[str, Any]:
    ll, n = ref.nll_loop(
        ref.words() if loop_words is None else tuple(loop_words), alpha, start, end
    )
    nll = -ll if minus else ll
    if per == "n":
        nll = nll / n
    return {"log_likelihood": ll, "nll": nll, "n": n}


def _mistakes(words: Any, alpha: float) -> tuple[Mistake, ...]:
    count = len(words) if words is not None else ref.WORDS
    out = [
        Mistake(
            "nll is negative: the negative log-likelihood needs the minus sign, "
            "nll = -log_likelihood.",
            lambda: _loop(words, alpha, minus=False),
        ),
        Mistake(
            "nll is already the average: here nll is the sum, nll = -log_likelihood; the "
            "average is nll / n.",
            lambda: _loop(words, alpha, per="n"),
        ),
        Mistake(
            "that is the product of the probabilities: add their logs instead, "
            "log_likelihood += torch.log(prob).",
            lambda: {"log_likelihood": math.exp(_loop(words, alpha)["log_likelihood"])},
            when=lambda v: (
                0 <= v["log_likelihood"] <= 1
                and math.isclose(
                    v["log_likelihood"],
                    math.exp(_loop(words, alpha)["log_likelihood"]),
                    rel_tol=1e-3,
                    abs_tol=1e-30,
                )
            ),
        ),
        Mistake(
            "that is log base 10: torch.log is the natural log the lesson uses.",
            lambda: {"log_likelihood": _loop(words, alpha)["log_likelihood"] / math.log(10)},
        ),
    ]
    for token, start, end, where in (("end", ".", "", "after"), ("start", "", ".", "before")):
        out.append(
            Mistake(
                f"n is {count:,} short{', one bigram per word' if count > 1 else ''}, and the "
                f"loss is that of the {'words' if count > 1 else 'word'} without the {token} "
                f"'.': put '.' {where} each word, chs = ['.'] + list(w) + ['.'].",
                functools.partial(_loop, words, alpha, start=start, end=end),
            )
        )
    if count > 1:
        out.append(
            Mistake(
                "n counts words; n counts bigrams: n += 1 inside the inner loop.",
                lambda: {"n": count},
                when=lambda v: v["n"] == count,
            )
        )
        which = "name's" if words is None else f"word's, {words[-1]!r},"
        out.append(
            Mistake(
                f"log_likelihood is the last {which} alone: it is set back to 0.0 inside the "
                "loop over the words; set it once, before the loop.",
                lambda: {
                    k: v
                    for k, v in _loop(
                        ((ref.words() if words is None else words)[-1],), alpha
                    ).items()
                    if k != "n"
                },
            )
        )
    else:
        (word,) = words
        out.append(
            Mistake(
                f"n is {2 * len(word)}, 2 per letter of {word!r}: the loop ran over the string, "
                f"so each letter was scored as a word of its own; loop over a list, "
                f"for w in [{word!r}]:.",
                lambda: _loop(tuple(word), alpha),
            )
        )
    if alpha == 1:
        out.insert(
            0,
            Mistake(
                "P is the unsmoothed table: run the smoothing cell (P from N + 1) before this "
                "loop.",
                lambda: _loop(words, 0.0),
            ),
        )
    else:
        out.insert(
            0,
            Mistake(
                "P is already the smoothed table (N + 1): run the cell that makes P = N / row sums "
                "again, then this loop (cells ran out of order).",
                lambda: _loop(words, 1.0),
            ),
        )
    return tuple(out)


def _done(v: dict[str, Any]) -> str:
    return (
        f"log_likelihood = {v['log_likelihood']:,.4f}, nll = {v['nll']:,.4f}, "
        f"nll/n = {v['nll'] / v['n']:.4f} over {v['n']:,} bigrams"
    )


def _nll_step(
    name: str,
    loop_words: Any,
    alpha: float,
    blank: str,
    hint: str,
    anchor: str,
    tol: float,
    extra: tuple[Mistake, ...] = (),
) -> Step:
    return Step(
        name=name,
        notebook="nll_smoothing",
        reads=READS,
        blank=blank,
        hints=(hint, LOOP_HINT),
        anchor=anchor,
        look=_look,
        reference=lambda: _loop(loop_words, alpha),
        done=_done,
        tol=tol,
        mistakes=(*extra, *_mistakes(loop_words, alpha)),
    )


def _P_float(name: str) -> Rule:
    return Rule(
        f"`{name}` is not float32: the later cells mix it with float32 tensors, so make "
        "it with (N + 1).float().",
        lambda v: v[name].dtype != torch.float32,
    )


BLANK = "log_likelihood = 0.0\nn = 0\n"

N_KEPT = changed(
    "N",
    ref.N,
    "N must stay the counts (the later cells read it): build P from a copy, "
    "P = (N + 1).float(), not with N += 1 or N = N.float() and /= on N.",
)

declare(
    _nll_step(
        "nll_three_words",
        ("emma", "olivia", "ava"),
        0.0,
        BLANK + '# for every bigram of words[:3] (with "." before and after each word): prob = '
        "P[ix1, ix2],\n# logprob = its log (torch.log); add logprob to log_likelihood and 1 to "
        "n; print each\nnll = ...  # the negative log-likelihood; then print log_likelihood, nll "
        "and nll/n",
        "Add up the log of the probability of every bigram of the three words, and count them.",
        "for w in words[:3]:",
        1e-5,
    ),
    _nll_step(
        "average_nll",
        None,
        0.0,
        BLANK + "# the same loop over every word (no print per bigram this time)\nnll = ...  # "
        "the negative log-likelihood; then print log_likelihood, nll and nll/n",
        "The loop of the three words over all of `words`, without the print per bigram.",
        "for w in words:",
        1e-4,
        extra=(
            Mistake(
                "the loop still runs over words[:3]: loop over every word, for w in words:.",
                lambda: _loop(("emma", "olivia", "ava"), 0.0),
            ),
        ),
    ),
    Step(
        name="smoothing",
        notebook="nll_smoothing",
        reads=("P", "N"),
        blank="P = ...  # add-one smoothing: (N + 1) as float, each row divided by its sum",
        hints=(
            "Add one fake count to every cell of N before you turn the rows into probabilities.",
            "P = (N + 1).float(); P /= P.sum(1, keepdim=True)",
        ),
        anchor="P = (N + 1).float()",
        reference=lambda: {"P": ref.P(1.0), "N": ref.N()},
        tol=1e-6,
        done=lambda v: (
            f"no zeros left; P[j, q] = {float(v['P'][10, 17]):.5f} (jq: never seen, now possible)"
        ),
        shape=(Rule("`P` is not a tensor.", lambda v: not is_tensor(v["P"])),),
        rules=(_P_float("P"),),
        mistakes=(
            N_KEPT,
            Mistake(
                "P still has zeros, so log(0) = -inf for 'jq': add 1 to N before dividing.",
                lambda: {"P": ref.P(0.0)},
            ),
            Mistake(
                "the columns of P sum to 1, not its rows: P.sum(1, keepdim=True) keeps the "
                "row sums as a column.",
                lambda: {"P": (ref.N() + 1).float() / (ref.N() + 1).float().sum(1)},
            ),
            Mistake(
                "P is N + 1 divided by the row sums of N, so each row sums to a little more "
                "than 1 (27 fake counts over): divide by the sums of N + 1, P.sum(1, "
                "keepdim=True).",
                lambda: {"P": (ref.N() + 1).float() / ref.N().float().sum(1, keepdim=True)},
            ),
            Mistake(
                "1 was added after normalising: add 1 to the counts N, then divide by the "
                "row sums.",
                lambda: {"P": (ref.P(0.0) + 1) / (ref.P(0.0) + 1).sum(1, keepdim=True)},
            ),
            Mistake(
                "1 was added to the probabilities: add it to the counts, (N + 1), then divide.",
                lambda: {"P": ref.P(0.0) + 1},
            ),
        ),
    ),
    _nll_step(
        "andrejq",
        ("andrejq",),
        1.0,
        BLANK + '# the loop of the first cell over the one word "andrejq", with the smoothed '
        "P\nnll = ...  # the negative log-likelihood; then print log_likelihood, nll and nll/n",
        "The loop of the first cell, over a list holding the one word.",
        'for w in ["andrejq"]:',
        1e-5,
    ),
    _nll_step(
        "smoothed_nll",
        None,
        1.0,
        BLANK + "# the loop over every word again, now with the smoothed P\nnll = ...  # the "
        "negative log-likelihood; then print log_likelihood, nll and nll/n",
        "The loop over every word once more; P is now the smoothed table.",
        "for w in words:",
        1e-4,
        extra=(
            Mistake(
                "the loop runs over 'andrejq' alone (8 bigrams): loop over every word, "
                "for w in words:.",
                lambda: _loop(("andrejq",), 1.0),
            ),
            Mistake(
                "the loop runs over words[:3] (emma, olivia, ava): loop over every word, "
                "for w in words:.",
                lambda: _loop(("emma", "olivia", "ava"), 1.0),
            ),
        ),
    ),
)
