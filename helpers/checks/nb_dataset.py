"""01 · The dataset: words, and three expressions on it."""

from __future__ import annotations

from typing import Any

from helpers.checks import ref
from helpers.checks.core import SHOWN, Mistake, Rule, Step, declare


def _number(what: str) -> Rule:
    def fails(v: dict[str, Any]) -> bool:
        x = v[SHOWN]
        return isinstance(x, bool) or not isinstance(x, int | str)

    return Rule(
        f"the cell shows no number: its last line should be an expression that gives {what}.",
        fails,
    )


def _lengths() -> list[int]:
    return [len(w) for w in ref.words()]


ENDS = {min: "aaban", max: "zzyzx"}


def _length(name: str, fn: Any, other: Any, word: str, anchor: str) -> Step:
    return Step(
        name=name,
        notebook="dataset",
        reads=(SHOWN,),
        blank=f"...  # the length of the {word} name (an expression)",
        hints=(
            f"{fn.__name__}(...) of the lengths of the names, not of the names themselves.",
            f"{fn.__name__}(len(w) for w in words)",
        ),
        anchor=anchor,
        reference=lambda: {SHOWN: fn(_lengths())},
        done=lambda v: f"{v[SHOWN]} characters (the video's {fn(_lengths())})",
        shape=(_number(f"the {word} length"),),
        mistakes=(
            Mistake(
                f"that is the {word} name itself: its length is len(...) of it, or "
                f"{fn.__name__}(len(w) for w in words).",
                lambda: {SHOWN: fn(ref.words(), key=len)},
                when=lambda v: isinstance(v[SHOWN], str) and len(v[SHOWN]) == fn(_lengths()),
            ),
            Mistake(
                f"that is the alphabetically {word} name: {fn.__name__}(words) compares the "
                f"names themselves. Take {fn.__name__} of the lengths, len(w) for w in words.",
                lambda: {SHOWN: fn(ref.words())},
            ),
            Mistake(
                # names.txt's alphabetical ends: 'aaban' first, 'zzyzx' last (also the file's
                # last line), both 5 letters; the value is said, not how it was reached.
                f"the value shown, 5, is the length of {ENDS[fn]!r}, the alphabetically "
                f"{'first' if fn is min else 'last'} name ({fn.__name__}(words))"
                f"{', also the last in the file' if fn is max else ''}"
                f"; the {word} name has {'more' if fn is max else 'fewer'} letters: take "
                f"{fn.__name__} of the lengths, len(w) for w in words.",
                lambda: {SHOWN: len(fn(ref.words()))},
            ),
            Mistake(
                f"that is the length of the other end: {fn.__name__}, not {other.__name__}.",
                lambda: {SHOWN: other(_lengths())},
            ),
        ),
    )


declare(
    Step(
        name="words",
        notebook="dataset",
        reads=("words",),
        blank="words = ...  # every line of the file `path` (one name per line), as a list of "
        "strings",
        hints=(
            "open(path).read() is one long string; .splitlines() cuts it into one name per line.",
            "words = open(path).read().splitlines()",
        ),
        anchor="words = open(path)",
        reference=lambda: {"words": list(ref.words())},
        done=lambda v: (
            f"len(words) = {len(v['words']):,} names, from {v['words'][0]!r} to {v['words'][-1]!r}"
        ),
        shape=(
            Rule(
                "`words` is one string: split it into lines with .splitlines().",
                lambda v: isinstance(v["words"], str),
            ),
        ),
        mistakes=(
            Mistake(
                "one empty name at the end: .split('\\n') keeps it, .splitlines() does not.",
                lambda: {"words": [*ref.words(), ""]},
            ),
            Mistake(
                "words[0] ends in '\\n': the line ends are kept (as readlines() keeps them); "
                ".read().splitlines() drops them.",
                lambda: {"words": [w + "\n" for w in ref.words()]},
                when=lambda v: any(w.endswith("\n") for w in v["words"][:1]),
            ),
        ),
    ),
    Step(
        name="n_words",
        notebook="dataset",
        reads=(SHOWN,),
        blank="...  # how many names? (an expression: its value shows below the cell)",
        hints=("len(...) of a list is how many items it holds.", "len(words)"),
        anchor="len(words)",
        reference=lambda: {SHOWN: ref.WORDS},
        done=lambda v: f"{v[SHOWN]:,} names (the video's 32,033)",
        shape=(_number("the number of names"),),
        mistakes=(
            Mistake(
                "that is the number of *different* names; count every line: len(words).",
                lambda: {SHOWN: len(set(ref.words()))},
            ),
            Mistake(
                "that counts characters; count the names: len(words).",
                lambda: {SHOWN: sum(_lengths())},
            ),
            Mistake(
                "that counts the characters of the file; count the names: len(words).",
                lambda: {SHOWN: sum(_lengths()) + ref.WORDS},
            ),
            Mistake(
                "that is the length of one name, the first: count the names, len(words).",
                lambda: {SHOWN: len(ref.words()[0])},
            ),
            Mistake(
                "the cell shows a str, not a number: len(words) gives the count (a name is not "
                "it).",
                lambda: {SHOWN: ref.words()[0]},
                when=lambda v: isinstance(v[SHOWN], str),
            ),
        ),
    ),
    _length("shortest", min, max, "shortest", "min(len(w) for w in words)"),
    _length("longest", max, min, "longest", "max(len(w) for w in words)"),
)
