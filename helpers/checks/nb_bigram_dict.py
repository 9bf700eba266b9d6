"""02 · Bigrams in a dictionary."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from helpers.checks import ref
from helpers.checks.core import (
    CELL,
    SHOWN,
    Mistake,
    Rule,
    Step,
    Wrong,
    declare,
    get,
    printed_pairs,
)


def _b(start: str = "<S>", end: str = "<E>") -> dict[tuple[str, str], int]:
    return dict(ref.bigrams(start, end))


def _one(w: str) -> dict[tuple[str, str], int]:
    chs = ["<S>", *w, "<E>"]
    return dict(Counter(zip(chs, chs[1:], strict=False)))


def _no_start() -> dict[tuple[str, str], int]:
    out: Counter[tuple[str, str]] = Counter()
    for w in ref.words():
        chs = [*w, "<E>"]
        out.update(zip(chs, chs[1:], strict=False))
    return dict(out)


def _top(n: int = 10, reverse: bool = True) -> list[tuple[tuple[str, str], int]]:
    return sorted(_b().items(), key=lambda kv: kv[1], reverse=reverse)[:n]


def _pair(ns: Mapping[str, Any]) -> tuple[Any, Any]:
    """The loop's last pair, whatever the learner named it: `for a, b in zip(...)`, `for pair
    in zip(...)`, `for i in range(len(w) - 1)` (then w[i], w[i + 1]); else ch1, ch2."""
    try:
        loops = [n for n in ast.walk(ast.parse(ns.get(CELL, ""))) if isinstance(n, ast.For)]
    except SyntaxError:
        loops = []
    for loop in reversed(loops):
        t = loop.target
        if (
            isinstance(t, ast.Tuple)
            and len(t.elts) == 2
            and all(isinstance(e, ast.Name) and e.id in ns for e in t.elts)
            and [e.id for e in t.elts] != ["ch1", "ch2"]  # type: ignore[attr-defined]
        ):
            return ns[t.elts[0].id], ns[t.elts[1].id]  # type: ignore[attr-defined]
        if isinstance(t, ast.Name) and t.id in ns and t.id not in ("w", "word"):
            v = ns[t.id]
            if isinstance(v, tuple) and len(v) == 2:
                return v
            seq = ns.get("chs") if "chs" in ns.get(CELL, "") else ns.get("w")
            if isinstance(v, int) and isinstance(seq, list | str) and 0 <= v < len(seq) - 1:
                if "ch1" not in ns.get(CELL, ""):
                    return seq[v], seq[v + 1]
    return get(ns, "ch1"), get(ns, "ch2")


def _relative(canon: str) -> Any:
    """Read the loop on the learner's own word w as if it were `canon`: any word is right."""

    def look(ns: Mapping[str, Any]) -> dict[str, Any]:
        w = get(ns, "w")
        if not isinstance(w, str) or len(w) < 2:
            raise Wrong("`w` should be the loop's word, a string of the words list.")
        ends = {w[-1]: canon[-1], w[-2]: canon[-2]} if w[-1] != w[-2] else {w[-1]: canon[-1]}

        def tok(ch: Any) -> Any:
            return ends.get(ch, ch if ch in ("<S>", "<E>", ".") else "?")

        source = str(ns.get(CELL, ""))
        m = re.search(r"for\s+\w+\s+in\s+words\[:(\d+)\]", source)
        looped = list(ref.words()[: int(m.group(1))]) if m else [w]
        ch1, ch2 = _pair(ns)
        out = {"ch1": tok(ch1), "ch2": tok(ch2)}
        # checked by PRINTS once the names are right: what the loop printed
        out[PRINTS] = (ns, looped, ("<S>", "<E>") if canon == "ava" else None)
        if "chs" in ns or canon == "ava":
            chs = get(ns, "chs")
            if isinstance(chs, list):
                n = len(w)
                for i in range(len(chs) - n + 1):
                    if chs[i : i + n] == list(w):
                        chs = chs[:i] + list(canon) + chs[i + n :]
                        break
                chs = [canon if c == w else c for c in chs]
            out["chs"] = chs
        return out

    return look


PRINTS = "__prints__"


def _differs(*args: Any) -> bool:
    """False when the printed pairs are right; else printed_pairs raises Wrong saying how."""
    printed_pairs(*args)
    return False


_PRINTED = Rule(
    "the pairs the loop printed differ",
    lambda v: _differs(*v[PRINTS]),
)


def _pairs(v: dict[str, Any]) -> bool:
    r = v[SHOWN]
    return not (
        isinstance(r, list | tuple)
        and r
        and all(isinstance(x, list | tuple) and len(x) == 2 for x in r)
    )


declare(
    Step(
        name="zip_pairs",
        notebook="bigram_dict",
        reads=("w", "ch1", "ch2"),
        blank="for w in words[:1]:\n    print(w)\n    ...  # for each pair of neighbouring "
        "characters ch1, ch2 of w (use zip): print(ch1, ch2)",
        hints=(
            "zip of w and w shifted by one pairs each character with the next; zip stops where "
            "the shorter one runs out.",
            "for ch1, ch2 in zip(w, w[1:]):\n        print(ch1, ch2)",
        ),
        anchor="for ch1, ch2 in zip(w, w[1:]):",
        look=_relative("emma"),
        reference=lambda: {"ch1": "m", "ch2": "a"},
        done=lambda v: (
            "the last pair is the word's last two characters: zip stops where w[1:] runs out"
        ),
        rules=(_PRINTED,),
        mistakes=(
            Mistake(
                "the last pair is a character with itself: zip(w, w) pairs each character with "
                "itself; use w[1:] as the second.",
                lambda: {"ch1": "a", "ch2": "a"},
            ),
            Mistake(
                "the last pair is reversed, (a, m): zip(w, w[1:]), first w, then w[1:].",
                lambda: {"ch1": "a", "ch2": "m"},
            ),
        ),
    ),
    Step(
        name="tokens",
        notebook="bigram_dict",
        reads=("w", "chs", "ch1", "ch2"),
        blank='for w in words[:3]:\n    chs = list(w)  # put the start token "<S>" before and '
        'the end token "<E>" after\n    ...  # for each neighbouring pair ch1, ch2 of chs '
        "(use zip): print(ch1, ch2)",
        hints=(
            "Two special tokens frame every word: one list before the characters, one after; "
            "then pair neighbours as before.",
            'chs = ["<S>"] + list(w) + ["<E>"], then for ch1, ch2 in zip(chs, chs[1:]):',
        ),
        anchor='chs = ["<S>"] + list(w) + ["<E>"]',
        look=_relative("ava"),
        reference=lambda: {"chs": ["<S>", "a", "v", "a", "<E>"], "ch1": "a", "ch2": "<E>"},
        done=lambda v: (
            "<S>, the characters of w, <E>: len(w) + 1 bigrams, the last one ending in <E>"
        ),
        shape=(
            Rule(
                '`chs` should be a list: ["<S>"] + list(w) + ["<E>"].',
                lambda v: not isinstance(v["chs"], list),
            ),
        ),
        rules=(_PRINTED,),
        mistakes=(
            Mistake(
                'no "<E>" at the end: the end token is forgotten; add + ["<E>"].',
                lambda: {"chs": ["<S>", "a", "v", "a"]},
            ),
            Mistake(
                'no "<S>" in front: the start token is forgotten; start with ["<S>"] +.',
                lambda: {"chs": ["a", "v", "a", "<E>"]},
            ),
            Mistake(
                'here the tokens are "<S>" and "<E>" (the "." comes later, in notebook 03).',
                lambda: {"chs": [".", "a", "v", "a", "."]},
            ),
            Mistake(
                "chs has the whole word as one item: list(w) splits it into its characters.",
                lambda: {"chs": ["<S>", "ava", "<E>"]},
                when=lambda v: len(v["chs"]) == 3 and v["chs"][1] == "ava",
            ),
            Mistake(
                "chs is right but the loop's last pair is not (a, <E>): pair chs with itself "
                "shifted, zip(chs, chs[1:]).",
                lambda: {"ch1": "v", "ch2": "a"},
                when=lambda v: v["chs"] == ["<S>", "a", "v", "a", "<E>"],
            ),
        ),
    ),
    Step(
        name="bigram_counts",
        notebook="bigram_dict",
        reads=("b",),
        blank="b = {}\n# count every bigram of every word into b: b[(ch1, ch2)] = how often ch2 "
        'follows ch1\n# (with "<S>" before and "<E>" after each word; b.get(pair, 0) gives 0 '
        "for a new pair)",
        hints=(
            "Loop over every word and its pairs; for each pair add one to its count, starting "
            "from 0 the first time.",
            "for w in words: chs = ...; for ch1, ch2 in zip(chs, chs[1:]): "
            "b[(ch1, ch2)] = b.get((ch1, ch2), 0) + 1",
        ),
        anchor="b[bigram] = b.get(bigram, 0) + 1",
        reference=lambda: {"b": _b()},
        done=lambda v: (
            f"{len(v['b'])} different bigrams, {sum(v['b'].values()):,} in all "
            "(the lesson's 228,146)"
        ),
        shape=(
            Rule(
                "`b` should be a dict from (ch1, ch2) to a count.",
                lambda v: not hasattr(v["b"], "items"),
            ),
        ),
        mistakes=(
            Mistake(
                "`b` is still empty: write the counting loop and run it.",
                lambda: {"b": {}},
            ),
            Mistake(
                "every count in b is 1, though it has every pair: each pair adds 1 to its "
                "count, b.get(bigram, 0) + 1.",
                lambda: {"b": dict.fromkeys(_b(), 1)},
                when=lambda v: set(v["b"]) == set(_b()) and all(k == 1 for k in v["b"].values()),
            ),
            Mistake(
                "b holds the pairs of one word only, the last name: it is set to {} inside "
                "the loop over the words; set it once, before the loop.",
                lambda: {"b": _one(ref.words()[-1])},
            ),
            Mistake(
                "32,033 bigrams short (one per word): the end token <E> is forgotten.",
                lambda: {"b": _b("<S>", "")},
            ),
            Mistake(
                "32,033 bigrams short (one per word): the start token <S> is forgotten.",
                lambda: {"b": _no_start()},
            ),
            Mistake(
                "the keys should be (ch1, ch2) tuples, e.g. ('e', 'm'), not strings.",
                lambda: {"b": {"".join(k): c for k, c in _b().items()}},
                when=lambda v: any(isinstance(k, str) for k in v["b"]),
            ),
            Mistake(
                "counts of the first three words only: loop over every word, for w in words:.",
                lambda: {
                    "b": dict(
                        Counter(
                            p
                            for w in ref.words()[:3]
                            for p in zip(["<S>", *w], [*w, "<E>"], strict=True)
                        )
                    )
                },
            ),
        ),
    ),
    Step(
        name="ranked",
        notebook="bigram_dict",
        reads=(SHOWN,),
        blank="...  # the 10 most common bigrams: the (pair, count) items of b, largest count "
        "first\n# (an expression)",
        hints=(
            "sorted(...) can order the items of b by their count (a key function); largest "
            "first, then keep ten.",
            "sorted(b.items(), key=lambda kv: -kv[1])[:10]",
        ),
        anchor="sorted(b.items(), key=lambda kv: -kv[1])[:10]",
        reference=lambda: {SHOWN: _top()},
        done=lambda v: (
            f"most common: {v[SHOWN][0][0]} {v[SHOWN][0][1]:,} times, then "
            f"{v[SHOWN][1][0]} {v[SHOWN][1][1]:,} (the video's)"
        ),
        shape=(
            Rule(
                "the cell should show a list of (pair, count), like sorted(b.items(), ...)[:10].",
                _pairs,
            ),
        ),
        mistakes=(
            Mistake(
                "the items shown are the keys alone: sort b.items() to keep each (pair, count).",
                lambda: {SHOWN: [k for k, _ in _top()]},
                when=lambda v: all(isinstance(x, str) for x in v[SHOWN][0]),
            ),
            Mistake(
                "the first item has count 1, the smallest: the ranking starts at the largest "
                "count, key=lambda kv: -kv[1] (or reverse=True).",
                lambda: {SHOWN: _top(reverse=False)},
                when=lambda v: v[SHOWN][0][1] == 1,
            ),
            Mistake(
                "the first item's count is not the largest: sort by the count, "
                "key=lambda kv: -kv[1].",
                lambda: {SHOWN: sorted(_b().items())[:10]},
                when=lambda v: v[SHOWN][0][1] != _top()[0][1],
            ),
            Mistake(
                "fewer than ten items shown: keep the first ten, [:10].",
                lambda: {SHOWN: _top(5)},
                when=lambda v: len(v[SHOWN]) < 10,
            ),
            Mistake(
                "more than ten items shown: keep the first ten, [:10].",
                lambda: {SHOWN: _top(10_000)},
                when=lambda v: len(v[SHOWN]) > 10,
            ),
        ),
    ),
)
