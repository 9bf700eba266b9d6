"""The machinery of the workbook's checks: a step is one declaration, judged by one comparison.

A `Step` declares what a learner writes in one blank: the names it reads, the blank's text, its
hints, a `reference()` that builds the right values with plain Python, and its `Mistake`s, each a
small function that builds the wrong values a learner would produce, with the message naming
it. `diagnose()` reads the learner's values (`look` where reading them takes more than the
names), checks their shape, compares them with the reference, then with every mistake; when
none matches, `evidence.describe` says what differs.
"""

from __future__ import annotations

import difflib
import math
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from helpers import course

# The solution notebooks the workbook covers, by the name after their number (the numbers move
# when the lecture is split; notebooks/NN_<slug>.ipynb is found by its slug).
NOTEBOOKS = tuple(nb.slug for nb in course.workbook())  # declared in course.toml
SHOWN = "_"  # the value shown under the learner's cell
CELL = "__cell__"  # the source of the learner's last cell (not a name a learner writes)
PRINTED = "__printed__"  # what the learner's last cell printed, when the hook saw it
MAX_LINE = 300


class Wrong(Exception):
    """A recognised mistake; the message is the hint shown after ✗."""


class Missing(Exception):
    """A name the check needs does not exist yet (or is still the blank `...`)."""


Values = dict[str, Any]


@dataclass(frozen=True)
class Mistake:
    """A wrong answer: `makes()` builds the values it leaves (only the names it changes);
    `when(got)`, if given, recognises the whole family of such answers."""

    says: str
    makes: Callable[[], Values]
    when: Callable[[Values], bool] | None = None
    tol: float | None = None  # the step's, unless the wrong path magnifies float noise


@dataclass(frozen=True)
class Rule:
    """A condition the right values must meet beyond equality (a dtype the next cells need)."""

    says: str
    fails: Callable[[Values], bool]


@dataclass(frozen=True)
class Step:
    name: str
    notebook: str  # slug in NOTEBOOKS
    reads: tuple[str, ...]  # the learner's names; "_" is the value shown under the cell
    blank: str  # the text of the blank cell
    hints: tuple[str, ...]  # a nudge without code first, then closer to the code
    anchor: str  # a line of the solution cell that finds it in the notebook (for --mark)
    reference: Callable[[], Values]
    done: Callable[[Values], str]  # the ✓ text, from the learner's values
    mistakes: tuple[Mistake, ...] = ()
    rules: tuple[Rule, ...] = ()  # on a value equal to the reference
    shape: tuple[Rule, ...] = ()  # checked first: wrong types and shapes, in words
    look: Callable[[Mapping[str, Any]], Values] | None = None  # reads the learner's values
    tol: float = 1e-4


STEPS: dict[str, Step] = {}


def declare(*steps: Step) -> None:
    for step in steps:
        assert step.name not in STEPS, step.name
        assert step.notebook in NOTEBOOKS, step.notebook
        assert all(len(h) <= MAX_LINE for h in step.hints), step.name
        STEPS[step.name] = step


# --- reading the learner's values ----------------------------------------------------------------


def get(ns: Mapping[str, Any], name: str) -> Any:
    """The learner's `name`, or Missing if the cell that makes it has not run (or is blank)."""
    if name not in ns:
        if name == SHOWN:
            raise Missing("the cell above shows no value yet: write your expression and run it.")
        raise Missing(
            f"`{name}` does not exist: the blank above makes it under that name; run it, or name "
            f"your variable {name}."
        )
    value = ns[name]
    if value is Ellipsis:
        if name == SHOWN:
            raise Missing(
                "the cell above still shows `...`: write your expression in it and run it."
            )
        raise Missing(f"`{name}` is still `...`: write your code in the cell above and run it.")
    if name == SHOWN and value is None:
        raise Missing(
            "the cell above shows no value: its last line should be an expression "
            "(print shows a value but leaves none)."
        )
    return value


def printed_pairs(ns: Mapping[str, Any], words: list[str], frame: tuple[str, str] | None) -> None:
    """When the cell's printed lines are known: its pair lines must be the pairs of `words`
    (each framed by `frame`, if given), printed as print(ch1, ch2) prints them. Wrong says the
    first fact that differs."""
    text = ns.get(PRINTED)
    if not isinstance(text, str):
        return
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    want = []
    for w in words:
        chs = [frame[0], *w, frame[1]] if frame else list(w)
        want += [f"{a} {b}" for a, b in zip(chs, chs[1:], strict=False)]
    got = [  # the blank's print(w) lines and any longer print aside
        line for line in lines if line not in words and len(line.split()) <= 2 and len(line) <= 9
    ]
    if got == want or not got:  # nothing pair-like printed: the names decide
        return
    shown = ", ".join(repr(x) for x in got[:4]) + (", ..." if len(got) > 4 else "")
    if len(got) != len(want):
        each = f"{len(words)} words" if len(words) > 1 else repr(words[0])
        raise Wrong(
            short(
                f"your cell printed {len(got)} pair lines ({shown}); {each} "
                f"{'have' if len(words) > 1 else 'has'} {len(want)}: "
                + ", ".join(repr(x) for x in want[:4])
                + (", ..." if len(want) > 4 else "")
            )
        )
    k = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
    raise Wrong(
        short(
            f"pair line {k + 1} printed is {got[k]!r}; the lesson's loop prints {want[k]!r} "
            "(print(ch1, ch2), ch1 then the character after it)"
        )
    )


class _Late(Exception):
    pass


def _late(_signum: int, _frame: Any) -> None:
    raise _Late


def call(ns: Mapping[str, Any], name: str, *args: Any, seconds: float = 10.0) -> Any:
    """Call the learner's function with a time limit; its error, a loop that never ends or an
    empty body becomes one line."""
    fn = get(ns, name)
    if not callable(fn):
        raise Wrong(f"`{name}` is {type(fn).__name__}, not a function: def {name}(...):")
    shown = ", ".join("..." if is_tensor(a) else repr(a) for a in args)
    # The limit counts the CPU time this process spends (ITIMER_PROF), not the clock: a loop that
    # never ends uses CPU, while a slow or busy machine does not trip it.
    try:
        old = signal.signal(signal.SIGPROF, _late)
    except ValueError:  # not the main thread: no time limit
        old = None
    if old is not None:
        signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        out = fn(*args)
    except _Late:
        raise Wrong(
            f"{name}({shown}) ran {seconds:g} s of CPU without returning: a loop that never ends?"
        ) from None
    except Exception as err:
        raise Wrong(f"{name}({shown}) raised {type(err).__name__}: {err}") from None
    finally:
        if old is not None:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, old)
    if out is None:
        raise Missing(f"`{name}` returns nothing yet: write its body and return the result.")
    return out


def values_of(step: Step, ns: Mapping[str, Any]) -> Values:
    """The learner's values as the step compares them (tensors detached from any graph)."""
    got = step.look(ns) if step.look is not None else {name: get(ns, name) for name in step.reads}
    return {k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in got.items()}


# --- the generic comparison -----------------------------------------------------------------------


def same(got: Any, want: Any, tol: float = 1e-4) -> bool:
    """Equal in value (a dtype aside): tensors, numbers, strings, lists/tuples, dicts."""
    if isinstance(want, torch.Tensor):
        if isinstance(got, torch.Tensor):
            got = got.detach()
        elif isinstance(got, int | float) and want.dim() == 0:
            got = torch.tensor(got)
        else:
            return False
        if got.shape != want.shape or got.is_complex():
            return False
        if not got.is_floating_point() and not want.is_floating_point():
            return torch.equal(got.long(), want.long())
        return torch.allclose(got.double(), want.double(), rtol=tol, atol=tol, equal_nan=True)
    if isinstance(want, bool) or want is None:
        return got is want or got == want
    if isinstance(want, int | float):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, bool) or not isinstance(got, int | float):
            return False
        if isinstance(want, int) and isinstance(got, int):
            return got == want
        if math.isinf(want) or math.isnan(want):
            return got == want or (math.isnan(want) and math.isnan(got))
        return math.isclose(got, want, rel_tol=tol, abs_tol=tol)
    if isinstance(want, str):
        return isinstance(got, str) and got == want
    if isinstance(want, list | tuple):
        if isinstance(got, torch.Tensor):
            got = got.tolist()
        return (
            isinstance(got, list | tuple)
            and len(got) == len(want)
            and all(same(a, b, tol) for a, b in zip(got, want, strict=True))
        )
    if isinstance(want, dict):
        return (
            isinstance(got, Mapping)
            and set(got) == set(want)
            and all(same(got[k], want[k], tol) for k in want)
        )
    return bool(got == want)


def matches(got: Values, want: Values, tol: float) -> bool:
    return all(name in got and same(got[name], want[name], tol) for name in want)


# Learner-facing words for the values a step's `look` reads that are not the learner's names.
LABELS = {
    SHOWN: "the value shown",
    "first": "losses[:5]",
    "steps": "len(losses)",
    "last": "losses[-1]",
    "counts": "the bigram counts of (xs, ys)",
    "emma": "trigrams_of('emma')",
    "state": "g's state",
    "grad": "W.grad",
}


def label(name: str) -> str:
    return LABELS.get(name, f"`{name}`")


def differs(got: Values, want: Values) -> str:
    """The facts on every name whose value differs from the reference (evidence.describe)."""
    from helpers.checks.evidence import describe

    found = []
    for name, w in want.items():
        g = got.get(name)
        try:
            if same(g, w, 1e-4):
                continue
        except Exception:
            pass
        found.append(describe(label(name), g, w))
    return "; ".join(found[:3]) or "not the expected values"


def short(text: str) -> str:
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 3] + "..."


def _safe(test: Callable[..., bool], *args: Any) -> bool:
    """A test on the learner's values; one that cannot be read (NaN, None, a wrong type) fails."""
    try:
        return bool(test(*args))
    except Wrong:
        raise
    except Exception:
        return False


def diagnose(step: Step, got: Values) -> str:
    """The ✓ text, or Wrong: a rule the value breaks, a mistake the value proves (it equals the
    mistake's value, or meets its `when`), or else the facts of the difference and a hint."""
    for rule in step.shape:
        if _safe(rule.fails, got):
            raise Wrong(rule.says)
    want = step.reference()
    if _safe(matches, got, want, step.tol):
        for rule in step.rules:
            if _safe(rule.fails, got):
                raise Wrong(rule.says)
        return step.done(got)
    for mistake in step.mistakes:
        if mistake.when is not None:
            if _safe(mistake.when, got):
                raise Wrong(mistake.says)
        elif _safe(
            lambda made, tol=mistake.tol or step.tol: matches(got, made(), tol), mistake.makes
        ):
            raise Wrong(mistake.says)
    for rule in step.rules:  # a rule the wrong value breaks is a fact about it too
        if _safe(rule.fails, got):
            raise Wrong(rule.says)
    raise Wrong(f"{differs(got, want)}. Hint: {step.hints[0]}")


def near(name: str, names: list[str] | tuple[str, ...] | None = None) -> str:
    """One line for an unknown check name, with the nearest names."""
    pool = list(names if names is not None else STEPS)
    close = difflib.get_close_matches(name, pool, n=4, cutoff=0.5)
    if not close:
        close = [n for n in pool if name.lower() in n.lower()][:4]
    also = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"✗ no check named {name!r}.{also} (progress() lists this notebook's steps)"


def changed(name: str, want: Callable[[], Any], why: str) -> Mistake:
    """A name the step reads but does not own must be left as it was (later cells read it)."""

    def when(v: Values) -> bool:
        from helpers.checks.evidence import describe

        if same(v[name], want()):
            return False
        raise Wrong(short(f"{describe(label(name), v[name], want())}: {why}"))

    return Mistake(why, lambda: {name: want() + 1}, when=when)


def is_tensor(value: Any) -> bool:
    return isinstance(value, torch.Tensor)
