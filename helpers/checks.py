"""The workbook's checks: `check("name")` prints one line, ✓ and the proof, or ✗ and a hint.

How it works, for a learner who opens this file:

- Each check reads *your* names (`N`, `stoi`, ...) from the notebook, the way you would look at
  them yourself, and compares them with a reference worked out here **from the data file with
  plain Python** (no helpers.bigram), or with a figure the lesson itself prints (32,033 names,
  228,146 bigrams, average NLL 2.4540 ...).
- A wrong answer never ends in a traceback: the check catches the mistake and names it.
- `hint("name")` gives the next hint; after the last one, `solution("name")` shows the
  reference solution (taken from the solution notebook when the workbook was generated).
"""

from __future__ import annotations

import functools
import inspect
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

# --- figures the lesson states (independent of any code here) ----------------------------------
WORDS = 32_033  # names in names.txt
BIGRAMS = 228_146  # bigrams with '.' at both ends = the training examples
SEED = 2147483647  # the lesson's generator seed
V = 27  # 26 letters + '.'
SOLUTIONS = Path(__file__).resolve().parent.parent / "workbook" / "solutions.json"


class Wrong(Exception):
    """A recognised mistake; the message is the hint shown after ✗."""


class Missing(Exception):
    """A name the check needs does not exist yet (or is still the blank `...`)."""


@dataclass(frozen=True)
class Check:
    name: str
    notebook: str
    names: tuple[str, ...]  # the learner's names this check reads
    hints: tuple[str, ...]  # general hints, in order
    run: Callable[[dict[str, Any]], str]  # returns the ✓ text or raises Wrong / Missing


CHECKS: dict[str, Check] = {}
_hints_given: dict[str, int] = {}


def _register(notebook: str, names: tuple[str, ...], *hints: str):
    def decorate(run: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
        name = run.__name__
        CHECKS[name] = Check(name, notebook, names, hints, run)
        return run

    return decorate


# --- what the learner calls ----------------------------------------------------------------------


def check(name: str, ns: dict[str, Any] | None = None) -> None:
    """Print one line: ✓ and the value that proves it, or ✗ and a hint (result() returns it)."""
    line = result(name, _caller_ns(ns))[1]
    if " Hint: " in line:  # the first hint is given: hint() goes on with the next one
        _hints_given[name] = max(_hints_given.get(name, 0), 1)
    print(line)


def hint(name: str) -> None:
    """Print the next hint for check `name` (then, once they are used up, where the solution is)."""
    c = _lookup(name)
    k = _hints_given.get(name, 0)
    if k < len(c.hints):
        print(f"hint {k + 1}/{len(c.hints)}: {c.hints[k]}")
        _hints_given[name] = k + 1
    else:
        print(f'no more hints: solution("{name}") shows the reference solution')


def solution(name: str) -> None:
    """Print the reference solution of `name`, as the solution notebook writes it."""
    _lookup(name)
    try:
        solutions = json.loads(SOLUTIONS.read_text(encoding="utf-8"))
        print(solutions[name])
    except (OSError, ValueError, KeyError):
        print(f"no stored solution for {name!r}: run `make workbook`")


def result(name: str, ns: dict[str, Any]) -> tuple[bool, str]:
    """(passed, the one line check() prints) for check `name` against the namespace `ns`."""
    c = _lookup(name)
    try:
        return True, "✓ " + c.run(ns)
    except Missing as missing:
        return False, f"✗ {missing} Hint: {c.hints[0]}"
    except Wrong as wrong:
        return False, f"✗ {wrong}"
    except Exception as err:  # a learner's object that breaks our comparison: still one line
        return False, f"✗ could not check it ({type(err).__name__}: {err}). Hint: {c.hints[0]}"


def _lookup(name: str) -> Check:
    if name not in CHECKS:
        raise KeyError(f"no check named {name!r}; the checks are: {', '.join(CHECKS)}")
    return CHECKS[name]


def _caller_ns(ns: dict[str, Any] | None) -> dict[str, Any]:
    """The notebook's globals: those of the frame that called check() (like otter's grader)."""
    if ns is not None:
        return ns
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None and frame.f_back.f_back is not None
    return frame.f_back.f_back.f_globals


def get(ns: dict[str, Any], name: str) -> Any:
    """The learner's `name`, or Missing if the cell that makes it has not run (or is blank)."""
    if name not in ns:
        raise Missing(f"`{name}` does not exist yet: run the cell that makes {name} first.")
    value = ns[name]
    if value is Ellipsis:
        raise Missing(f"`{name}` is still `...`: write your code in the cell above and run it.")
    return value


def shown(ns: dict[str, Any]) -> Any:
    """The value the cell above shows under it (IPython's `_`), or Missing if it shows none."""
    value = ns.get("_", "")
    if value is Ellipsis:
        raise Missing("the cell above still shows `...`: write your expression in it and run it.")
    if isinstance(value, str) and value == "":
        raise Missing("the cell above shows no value yet: write your expression in it and run it.")
    return value


# --- references, from the data file with plain Python --------------------------------------------


@functools.cache
def ref_words() -> tuple[str, ...]:
    """names.txt, read with plain Python."""
    from helpers.data import ensure_names  # only where the file is; no lesson code

    return tuple(Path(ensure_names()).read_text(encoding="utf-8").splitlines())


@functools.cache
def ref_bigrams() -> Counter[tuple[str, str]]:
    """Counts of (ch1, ch2) with '.' at both ends of every word."""
    return Counter(pair for w in ref_words() for pair in zip("." + w, w + ".", strict=True))


@functools.cache
def ref_ix() -> dict[str, int]:
    """'.' -> 0, then the letters in alphabetical order from 1."""
    letters = sorted(set("".join(ref_words())))
    return {".": 0} | {ch: i + 1 for i, ch in enumerate(letters)}


@functools.cache
def ref_N() -> torch.Tensor:
    """The 27x27 counts, filled from the plain-Python Counter."""
    ix = ref_ix()
    N = torch.zeros((V, V), dtype=torch.int64)
    for (a, b), k in ref_bigrams().items():
        N[ix[a], ix[b]] = k
    return N


def ref_P(alpha: float) -> torch.Tensor:
    """Rows of (N + alpha), each divided by its sum, in float64."""
    C = ref_N().double() + alpha
    return C / C.sum(1, keepdim=True)


def ref_nll(alpha: float) -> float:
    """Average NLL of the add-alpha bigram model on the data, by math.log over the Counter."""
    rows: Counter[str] = Counter()
    for (a, _), k in ref_bigrams().items():
        rows[a] += k
    return -sum(
        k * math.log((k + alpha) / (rows[a] + V * alpha)) for (a, _), k in ref_bigrams().items()
    ) / sum(rows.values())


def seeded_W(rows: int = V) -> torch.Tensor:
    """torch.randn((rows, 27)) from a generator seeded as in the lesson."""
    return torch.randn((rows, V), generator=torch.Generator().manual_seed(SEED))


def _tensor(value: Any, name: str) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise Wrong(f"`{name}` is a {type(value).__name__}, not a tensor: use torch.tensor(...).")
    return value


def call(fn: Any, name: str, *args: Any) -> Any:
    """Call the learner's function; its error or a `...` body becomes one line, not a traceback."""
    if not callable(fn):
        raise Wrong(f"`{name}` should be a function (def {name}(...):).")
    try:
        out = fn(*args)
    except Exception as err:
        shown = ", ".join(repr(a) if not isinstance(a, torch.Tensor) else "..." for a in args)
        raise Wrong(f"{name}({shown}) raised {type(err).__name__}: {err}") from None
    if out is None:
        raise Missing(f"`{name}` returns nothing yet: write its body in the cell above.")
    return out


def _close(a: float, b: float, tol: float = 1e-4) -> bool:
    return isinstance(a, int | float) and abs(a - b) <= tol


def _number(value: Any, name: str) -> float:
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    if isinstance(value, int | float):
        return float(value)
    raise Wrong(f"`{name}` should be one number, not a {type(value).__name__}.")


def _nll_mistakes(value: float, want: float, total: float, name: str) -> None:
    """The NLL mistakes: inf from log(0), a missing minus, a sum or a per-word average."""
    if math.isinf(value) or math.isnan(value):
        raise Wrong(
            f"`{name}` is {value}: some probability is 0 and log(0) = -inf. "
            f"Smooth the counts first, e.g. (N + 1), so no bigram is impossible."
        )
    if _close(value, -want, 1e-3):
        raise Wrong(f"`{name}` = {value:.4f} is negative: NLL needs the minus sign, -log p.")
    if _close(abs(value), want * total, max(1.0, want * total * 1e-4)):
        raise Wrong(
            f"`{name}` = {value:,.2f} is the sum over all {total:,.0f} bigrams; the average "
            f"is asked for: divide by the number of bigrams."
        )
    if _close(abs(value), want * total / WORDS, 1e-2):
        raise Wrong(f"`{name}` = {value:.4f}: divided by the number of words; divide by bigrams.")


def _rows_or_columns(P: torch.Tensor, name: str) -> None:
    """Recognise a table normalised over the wrong dimension (row sums without keepdim)."""
    rows = P.double().sum(1)
    cols = P.double().sum(0)
    ones = torch.ones_like(rows)
    if not torch.allclose(rows, ones, atol=1e-4) and torch.allclose(cols, ones, atol=1e-4):
        raise Wrong(
            f"the columns of `{name}` sum to 1, not its rows: P.sum(1) without keepdim=True "
            f"has shape (27,), which broadcasts as a row and divides the columns. "
            f"Use P.sum(1, keepdim=True)."
        )
    if not torch.allclose(rows, ones, atol=1e-4):
        raise Wrong(f"the rows of `{name}` do not sum to 1: divide each row by its own sum.")


# --- the lesson's loops, recomputed here ---------------------------------------------------------


@functools.cache
def ref_training(
    steps: int, mode: str = "right", l2: float = 0.01
) -> tuple[list[float], torch.Tensor]:
    """The lesson's full-batch loop (lr 50, loss + l2 * (W**2).mean()) from the seeded W, in float64
    on the 27x27 counts (the one-hot average regrouped per pair of characters): its losses and
    the final W. mode 'no_reset' lets the gradients pile up, 'wrong_sign' steps uphill."""
    N = ref_N().double()
    W = seeded_W().double().requires_grad_()
    acc = torch.zeros_like(W)
    losses: list[float] = []
    for _ in range(steps):
        loss = -(N * torch.log_softmax(W, dim=1)).sum() / N.sum() + l2 * (W**2).mean()
        W.grad = None
        loss.backward()
        assert W.grad is not None
        acc = acc + W.grad if mode == "no_reset" else W.grad
        with torch.no_grad():
            W += 50 * acc if mode == "wrong_sign" else -50 * acc
        losses.append(loss.item())
    return losses, W.detach()


def fresh_state() -> torch.Tensor:
    """The state of a generator just seeded with the lesson's seed."""
    return torch.Generator().manual_seed(SEED).get_state()


def ref_sampling(
    row: Callable[[int], torch.Tensor], count: int = 5
) -> tuple[list[str], torch.Tensor]:
    """The lesson's sampling loop on the rows `row(ix)`, with a generator seeded 2147483647:
    the names (each ending in '.') and the generator's state after them."""
    itos = {i: ch for ch, i in ref_ix().items()}
    g = torch.Generator().manual_seed(SEED)
    names = []
    for _ in range(count):
        out, ix = [], 0
        while True:
            p = row(ix)
            ix = int(torch.multinomial(p, num_samples=1, replacement=True, generator=g).item())
            out.append(itos[ix])
            if ix == 0:
                break
        names.append("".join(out))
    return names, g.get_state()


def lesson_P(alpha: int = 0) -> torch.Tensor:
    """(N + alpha) as float32, each row divided by its sum with keepdim, as the lesson writes it."""
    P = (ref_N() + alpha).float()
    P /= P.sum(1, keepdim=True)
    return P


def count_row(ix: int) -> torch.Tensor:
    """The lesson's p = N[ix].float(); p = p / p.sum()."""
    p = ref_N()[ix].float()
    return p / p.sum()


def _generator(ns: dict[str, Any]) -> torch.Generator:
    g = get(ns, "g")
    if not isinstance(g, torch.Generator):
        raise Wrong("`g` should be a torch.Generator: torch.Generator().manual_seed(2147483647).")
    return g


def _unused(g: torch.Generator) -> None:
    if torch.equal(g.get_state(), fresh_state()):
        raise Wrong(
            "g has not drawn anything: write the loop and pass generator=g to torch.multinomial "
            "(sampling without the generator is not reproducible)."
        )


def _sampled(ns: dict[str, Any], names: list[str], want: list[str], state: torch.Tensor) -> str:
    """Compare the learner's names and generator with the lesson's loop; return the ✓ text."""
    g = _generator(ns)
    if any(not x.endswith(".") for x in names):
        raise Wrong(
            "a name without its closing '.': append itos[ix] before the `if ix == 0: break`."
        )
    if names == want and torch.equal(g.get_state(), state):
        return ", ".join(names)
    _unused(g)
    raise Wrong(
        f"{names[-1]!r} is not the seeded name {want[-1]!r}: make g = torch.Generator()."
        f"manual_seed(2147483647) right before the loop, draw every character with "
        f"generator=g, and draw {len(want)} names (without the generator it is not reproducible)."
    )


def _last_name(ns: dict[str, Any]) -> list[str]:
    out = get(ns, "out")
    if not isinstance(out, list) or not all(isinstance(x, str) for x in out):
        raise Wrong(
            "`out` should be the list of characters of the last name, e.g. ['k', 'a', '.']."
        )
    if not out:
        raise Missing("`out` is empty: write the sampling loop in the cell above and run it.")
    return ["".join(out)]


# === 01 · The dataset =============================================================================


@_register(
    "01_dataset.ipynb",
    ("words",),
    "open(path).read() is one long string; .splitlines() cuts it into one name per line.",
)
def words(ns: dict[str, Any]) -> str:
    w = get(ns, "words")
    if isinstance(w, str):
        raise Wrong("`words` is one string: split it into lines with .splitlines().")
    if not isinstance(w, list) or not all(isinstance(x, str) for x in w):
        raise Wrong(f"`words` should be a list of strings, not a {type(w).__name__}.")
    if len(w) == WORDS + 1 and w[-1] == "":
        raise Wrong("one empty name at the end: .split('\\n') keeps it, .splitlines() does not.")
    if w != list(ref_words()):
        raise Wrong(f"{len(w):,} names; the file has {WORDS:,}: read every line of names.txt.")
    return f"len(words) = {len(w):,} names, from {w[0]!r} to {w[-1]!r}"


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Wrong(
            f"the cell shows a {type(value).__name__}, not a number: its last line should be an "
            f"expression that gives {what} (print shows a value but leaves none)."
        )
    return value


@_register("01_dataset.ipynb", ("_",), "len(...) of a list is how many items it holds.")
def n_words(ns: dict[str, Any]) -> str:
    n = _count(shown(ns), "the number of names")
    if n == len(set(ref_words())):
        raise Wrong(f"{n:,} is the number of *different* names; count every line: len(words).")
    if n == sum(len(w) for w in ref_words()):
        raise Wrong(f"{n:,} counts characters; count the names: len(words).")
    if n != WORDS:
        raise Wrong(f"{n:,}; the list `words` holds {WORDS:,} names: len(words).")
    return f"{n:,} names (the video's 32,033)"


def _length(ns: dict[str, Any], fn: Callable[..., int], word: str) -> str:
    value = shown(ns)
    if isinstance(value, str):
        raise Wrong(
            f"{value!r} is the alphabetically {word} name: {fn.__name__}(words) compares the "
            f"names themselves. Take {fn.__name__} of the lengths, len(w) for w in words."
        )
    n = _count(value, f"the {word} length")
    want = fn(len(w) for w in ref_words())
    if n != want:
        raise Wrong(f"{n}; the {word} name has {want} characters: {fn.__name__} of len(w).")
    example = next(w for w in ref_words() if len(w) == want)
    return f"{n} characters (the video's {want}), e.g. {example!r}"


@_register("01_dataset.ipynb", ("_",), "min(...) of the lengths: min(len(w) for w in words).")
def shortest(ns: dict[str, Any]) -> str:
    return _length(ns, min, "shortest")


@_register("01_dataset.ipynb", ("_",), "max(...) of the lengths: max(len(w) for w in words).")
def longest(ns: dict[str, Any]) -> str:
    return _length(ns, max, "longest")


# === 02 · Bigrams in a dictionary ================================================================


@_register(
    "02_bigram_dict.ipynb",
    ("ch1", "ch2"),
    "zip(w, w[1:]) pairs each character with the next one: for ch1, ch2 in zip(w, w[1:]):",
)
def zip_pairs(ns: dict[str, Any]) -> str:
    a, b = get(ns, "ch1"), get(ns, "ch2")
    w = get(ns, "w")
    if not isinstance(w, str) or len(w) < 2:
        raise Wrong("`w` should be the word of the loop, words[0] ('emma').")
    if (a, b) == (w[-1], w[-1]):
        raise Wrong(f"the last pair is {a}{b}: zip(w, w) pairs a character with itself; use w[1:].")
    if (a, b) == (w[-1], w[-2]):
        raise Wrong(f"the last pair is {a}{b}, reversed: zip(w, w[1:]), first w, then w[1:].")
    if (a, b) != (w[-2], w[-1]):
        raise Wrong(
            f"the loop's last pair is ({a!r}, {b!r}); for {w!r} it is {w[-2]!r}, {w[-1]!r}."
        )
    return f"{w}: {len(w) - 1} pairs, the last {a} {b}: zip stops where w[1:] runs out"


@_register(
    "02_bigram_dict.ipynb",
    ("chs", "ch1", "ch2"),
    'chs = ["<S>"] + list(w) + ["<E>"], then for ch1, ch2 in zip(chs, chs[1:]):',
)
def tokens(ns: dict[str, Any]) -> str:
    chs = get(ns, "chs")
    w = get(ns, "w")
    if not isinstance(chs, list) or not isinstance(w, str):
        raise Wrong('`chs` should be a list: ["<S>"] + list(w) + ["<E>"].')
    if chs == ["<S>"] + list(w):
        raise Wrong('no "<E>" at the end: the end token is forgotten; add + ["<E>"].')
    if chs == list(w) + ["<E>"]:
        raise Wrong('no "<S>" in front: the start token is forgotten; start with ["<S>"] +.')
    if chs in (["."] + list(w) + ["."], ["<S>", w, "<E>"]):
        raise Wrong('here the tokens are "<S>" and "<E>", and list(w) splits w into characters.')
    if chs != ["<S>"] + list(w) + ["<E>"]:
        raise Wrong(f'chs = {chs}; want ["<S>"] + list(w) + ["<E>"].')
    a, b = get(ns, "ch1"), get(ns, "ch2")
    if (a, b) != (w[-1], "<E>"):
        raise Wrong(
            f"the last pair is ({a!r}, {b!r}); zip(chs, chs[1:]) ends with {w[-1]!r}, '<E>'."
        )
    return f"{w}: {len(chs)} tokens, {len(chs) - 1} bigrams from <S>{w[0]} to {w[-1]}<E>"


@_register(
    "02_bigram_dict.ipynb",
    ("b",),
    "For every word: the <S>/<E> tokens, then b[pair] = b.get(pair, 0) + 1 for each zip pair.",
)
def bigram_counts(ns: dict[str, Any]) -> str:
    b = get(ns, "b")
    if b == {}:
        raise Missing("`b` is still empty: write the counting loop in the cell above and run it.")
    if not isinstance(b, dict):
        raise Wrong(f"`b` should be a dict from (ch1, ch2) to a count, not {type(b).__name__}.")
    want: Counter[tuple[str, str]] = Counter()
    for w in ref_words():
        chs = ["<S>"] + list(w) + ["<E>"]
        want.update(zip(chs, chs[1:], strict=False))
    total = sum(b.values())
    if all(v == 1 for v in b.values()):
        raise Wrong("every count is 1: add to the count, b.get(pair, 0) + 1, don't overwrite it.")
    if total == BIGRAMS - WORDS and not any(k[1] == "<E>" for k in b):
        raise Wrong(
            f"{total:,} bigrams, {WORDS:,} short (one per word): the end token <E> is forgotten."
        )
    if total == BIGRAMS - WORDS and not any(k[0] == "<S>" for k in b):
        raise Wrong(f"{total:,} bigrams, {WORDS:,} short: the start token <S> is forgotten.")
    if dict(b) != dict(want):
        raise Wrong(f"{total:,} bigrams counted; every word of `words` gives len(w) + 1 of them.")
    return f"{len(b)} different bigrams, {total:,} in all (the lesson's 228,146)"


@_register(
    "02_bigram_dict.ipynb",
    ("_",),
    "sorted(b.items(), key=lambda kv: -kv[1]) puts the largest count first; [:10] keeps ten.",
)
def ranked(ns: dict[str, Any]) -> str:
    r = shown(ns)
    if not isinstance(r, list) or not r or not isinstance(r[0], tuple) or len(r[0]) != 2:
        raise Wrong("the cell should show a list of (pair, count), like sorted(b.items(), ...).")
    counts: Counter[tuple[str, str]] = Counter()
    for w in ref_words():
        chs = ["<S>"] + list(w) + ["<E>"]
        counts.update(zip(chs, chs[1:], strict=False))
    top = counts.most_common(10)
    if r[0][1] == min(counts.values()):
        raise Wrong("smallest count first: sort by -count (key=lambda kv: -kv[1]).")
    if r[0][1] != top[0][1]:
        raise Wrong(f"first entry {r[0]}: sort by the count, kv[1], not by the pair.")
    if len(r) != 10:
        raise Wrong(f"{len(r)} entries: keep the first ten, [:10].")
    if [c for _, c in r] != [c for _, c in top]:
        raise Wrong("not the ten largest counts in order: sort all of b.items() by -count.")
    return f"most common: {r[0][0]} {r[0][1]:,} times, then {r[1][0]} {r[1][1]:,} (the video's)"


# === 03 · The count matrix =======================================================================


@_register(
    "03_count_matrix.ipynb",
    ("a",),
    "Make a 3x5 tensor of int32 zeros, add 1 to the cell at row 1, column 3 twice, then set "
    "the top-left cell to 5.",
)
def tensor_basics(ns: dict[str, Any]) -> str:
    a = _tensor(get(ns, "a"), "a")
    want = [[5, 0, 0, 0, 0], [0, 0, 0, 2, 0], [0, 0, 0, 0, 0]]
    if tuple(a.shape) != (3, 5):
        raise Wrong(f"shape {tuple(a.shape)}: 3 rows and 5 columns, torch.zeros((3, 5), ...).")
    if a.dtype != torch.int32:
        raise Wrong(f"a is {a.dtype}: counts are whole numbers, dtype=torch.int32.")
    if a.tolist() == [[5, 0, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 0]]:
        raise Wrong("a[1, 3] is 1: add 1 twice, a[1, 3] += 1 on two lines.")
    if a.tolist() != want:
        raise Wrong(f"a = {a.tolist()}; want {want} (row 1, column 3 counted from 0).")
    return "a[1, 3] = 2 and a[0, 0] = 5 in a 3x5 int32 tensor"


@_register(
    "03_count_matrix.ipynb",
    ("N", "stoi"),
    "A 28x28 int32 tensor: letters 0-25, <S> 26, <E> 27; N[ix1, ix2] += 1 for every pair.",
)
def N28(ns: dict[str, Any]) -> str:
    M = _tensor(get(ns, "N"), "N")
    stoi = get(ns, "stoi")
    if tuple(M.shape) != (28, 28):
        raise Wrong(f"shape {tuple(M.shape)}: 26 letters + <S> + <E> is 28x28.")
    total = int(M.sum())
    if total == BIGRAMS - WORDS:
        raise Wrong(f"{total:,} bigrams, {WORDS:,} short (one per word): add the end token <E>.")
    if total != BIGRAMS:
        raise Wrong(f"N.sum() = {total:,}; every word gives len(w) + 1 bigrams.")
    where = (stoi.get("<S>"), stoi.get("<E>"), stoi.get("a")) if isinstance(stoi, dict) else ()
    if where != (26, 27, 0):
        raise Wrong('stoi: the letters 0-25 (enumerate(chars)), "<S>" 26, "<E>" 27.')
    if int(M[27].sum()) != 0 or int(M[:, 26].sum()) != 0:
        raise Wrong(
            "row 27 (<E>) and column 26 (<S>) should be empty: rows by ch1, columns by ch2."
        )
    return f"N.sum() = {total:,} bigrams in 28x28; row <E> and column <S> empty: wasted space"


@_register(
    "03_count_matrix.ipynb",
    ("stoi", "itos"),
    "The letters take indices from 1 up, so that index 0 is free for the sentinel '.'; itos "
    "maps each index back to its character.",
)
def stoi_itos(ns: dict[str, Any]) -> str:
    stoi, itos = get(ns, "stoi"), get(ns, "itos")
    if not isinstance(stoi, dict) or not isinstance(itos, dict):
        raise Wrong("stoi and itos should both be dicts.")
    if "<S>" in stoi or "<E>" in stoi:
        raise Wrong(
            'stoi still has separate "<S>"/"<E>": the 27x27 table uses one "." for both, at 0.'
        )
    if stoi.get("a") == 0:
        raise Wrong(
            "'a' has index 0, the sentinel's place: letters indexed from 0 collide with '.'. "
            "Start the letters at 1: enumerate(chars) gives i, use i + 1."
        )
    if stoi.get(".") != 0:
        raise Wrong(f"stoi['.'] = {stoi.get('.')}: the sentinel '.' takes index 0.")
    if len(stoi) != V or len(set(stoi.values())) != V:
        raise Wrong(f"{len(stoi)} keys, {len(set(stoi.values()))} distinct indices; want 27 each.")
    if stoi != ref_ix():
        raise Wrong("the letters should be 1..26 in alphabetical order: a 1, ..., z 26.")
    if itos != {i: s for s, i in stoi.items()}:
        raise Wrong("itos should undo stoi: itos = {i: s for s, i in stoi.items()}.")
    return "stoi['.'] = 0, 'a' = 1 ... 'z' = 26; itos undoes it (27 symbols)"


@_register(
    "03_count_matrix.ipynb",
    ("N",),
    "One 27x27 table of int32 zeros; pad each word with '.' on both sides and add 1 at "
    "[index of ch1, index of ch2] for every pair.",
)
def count_matrix(ns: dict[str, Any]) -> str:
    N = _tensor(get(ns, "N"), "N")
    if tuple(N.shape) == (28, 28):
        raise Wrong(
            "28x28: that is separate <S> and <E>. The 27x27 table uses one '.' for both, "
            "at index 0: chs = ['.'] + list(w) + ['.']."
        )
    if tuple(N.shape) != (V, V):
        raise Wrong(f"shape {tuple(N.shape)}; the table is 27x27.")
    if N.dtype != torch.int32:
        raise Wrong(f"N is {N.dtype}: counts are whole numbers, dtype=torch.int32.")
    total = int(N.sum())
    if total == BIGRAMS - WORDS:
        raise Wrong(
            f"N.sum() = {total:,}, {WORDS:,} short (one per word): the end '.' is forgotten."
        )
    if int(N[0, 0]) != 0:
        raise Wrong(
            f"N[0, 0] = {int(N[0, 0]):,} but '..' never occurs: a letter shares index 0 with "
            f"the sentinel. Number the letters from 1."
        )
    if total != BIGRAMS:
        raise Wrong(f"N.sum() = {total:,}; every word gives len(w) + 1 bigrams.")
    if not torch.equal(N.long(), ref_N()):
        raise Wrong("the right total, wrong cells: index rows by ch1 and columns by ch2 with stoi.")
    return f"N.sum() = {total:,} bigrams in a 27x27 table; N[0, 1] = {int(N[0, 1]):,} start with a"


@_register("03_count_matrix.ipynb", ("_",), "N[1, 2] is a 0-d tensor; .item() gives its number.")
def item(ns: dict[str, Any]) -> str:
    value = shown(ns)
    want = int(ref_N()[1, 2])
    if not isinstance(value, tuple) or len(value) != 2:
        raise Wrong("the cell should show two things side by side: N[1, 2], N[1, 2].item()")
    t, x = value
    if isinstance(x, torch.Tensor):
        raise Wrong(f"the second is still a tensor, {x!r}: .item() turns it into a Python number.")
    if not isinstance(t, torch.Tensor) or t.dim() != 0 or int(t) != want or x != want:
        raise Wrong(f"({t!r}, {x!r}): 'ab' is row 1 ('a'), column 2 ('b'), counted {want} times.")
    return f"N[1, 2] is a 0-d tensor, N[1, 2].item() the number {x}: 'ab' occurs {x} times"


# === 04 · Sampling names =========================================================================


@_register(
    "04_sampling.ipynb",
    ("p",),
    "Row 0 of N (what follows '.'), as float, divided by its sum.",
)
def first_row(ns: dict[str, Any]) -> str:
    p = _tensor(get(ns, "p"), "p")
    if p.dim() != 1 or len(p) != V:
        raise Wrong(f"shape {tuple(p.shape)}: one row of N has 27 entries, N[0].")
    if _close(float(p.sum()), WORDS, 0.5):
        raise Wrong("p sums to 32,033: divide by p.sum() to make probabilities.")
    if not p.is_floating_point():
        raise Wrong(f"p is {p.dtype}: integer division floors to 0; make it float first, .float().")
    if torch.allclose(p.double(), ref_N()[:, 0].double() / WORDS, atol=1e-6):
        raise Wrong("that is column 0 (how names end); row 0, N[0], is how they start.")
    if not torch.allclose(p.double(), ref_P(0.0)[0], atol=1e-6):
        raise Wrong("p should be N[0].float() / N[0].sum().")
    return f"p sums to 1; p[1] (a) = {float(p[1]):.4f} = 4,410 / 32,033 (the video's 0.1377)"


@_register(
    "04_sampling.ipynb",
    ("g", "ix"),
    "g = torch.Generator().manual_seed(2147483647); "
    "ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()",
)
def one_draw(ns: dict[str, Any]) -> str:
    g = _generator(ns)
    ix = get(ns, "ix")
    if isinstance(ix, torch.Tensor):
        raise Wrong(f"ix is a tensor, {ix!r}: .item() makes it the Python int that itos needs.")
    _unused(g)
    want = torch.Generator().manual_seed(SEED)
    want_ix = int(torch.multinomial(count_row(0), 1, replacement=True, generator=want).item())
    if ix != want_ix or not torch.equal(g.get_state(), want.get_state()):
        raise Wrong(
            f"ix = {ix!r}; seeded afresh, one draw from p = row 0 gives {want_ix}: seed g right "
            f"before, and draw once with generator=g (else it is not reproducible)."
        )
    return f"ix = {ix}, itos[ix] = 'c' (PyTorch 2.x; the video's older PyTorch drew 'm')"


@_register(
    "04_sampling.ipynb",
    ("p",),
    "g = torch.Generator().manual_seed(2147483647); torch.rand(3, generator=g), then / sum.",
)
def seeded_rand(ns: dict[str, Any]) -> str:
    p = _tensor(get(ns, "p"), "p")
    lesson = torch.tensor([0.6064, 0.3033, 0.0903])  # printed in the lecture
    if p.shape != (3,):
        raise Wrong(f"shape {tuple(p.shape)}: three numbers, torch.rand(3, ...).")
    if not _close(float(p.sum()), 1.0, 1e-5):
        raise Wrong("p does not sum to 1: divide by p.sum().")
    if not torch.allclose(p, lesson, atol=1e-4):
        raise Wrong(
            "not the lesson's numbers: torch.rand without generator=g uses the global random "
            "state (not reproducible). Seed g = torch.Generator().manual_seed(2147483647) and pass "
            "generator=g."
        )
    return f"p = {[round(x, 4) for x in p.tolist()]}, the video's numbers"


@_register(
    "04_sampling.ipynb",
    ("g", "out"),
    "Before the loop: g = torch.Generator().manual_seed(2147483647). In it: p = N[ix].float(); "
    "p = p / p.sum(); ix = torch.multinomial(p, num_samples=1, replacement=True, "
    "generator=g).item(); out.append(itos[ix]); stop at ix == 0.",
)
def sampling_loop(ns: dict[str, Any]) -> str:
    _generator(ns)
    names, state = ref_sampling(count_row)
    last = _last_name(ns)
    if last == [ref_sampling(lambda ix: torch.ones(V) / V)[0][-1]]:
        raise Wrong("that is the uniform model's name: here p is row ix of N, made probabilities.")
    _sampled(ns, last, names[-1:], state)
    return f"5 seeded names, the last {last[0]!r} (all: {', '.join(names)})"


@_register(
    "04_sampling.ipynb",
    ("g", "out"),
    "The loop above with p = torch.ones(27) / 27.0: every character equally likely.",
)
def uniform_loop(ns: dict[str, Any]) -> str:
    _generator(ns)
    names, state = ref_sampling(lambda ix: torch.ones(V) / 27.0)
    last = _last_name(ns)
    if last == ref_sampling(count_row)[0][-1:]:
        raise Wrong("that is the count model's name: the uniform p is torch.ones(27) / 27.0.")
    _sampled(ns, last, names[-1:], state)
    return f"5 seeded uniform names, e.g. {names[1]!r}: long, and nothing like names"


@_register(
    "04_sampling.ipynb",
    ("P",),
    "Divide each row of N (as floats) by that row's sum, keeping the sums as a column.",
)
def P_keepdim(ns: dict[str, Any]) -> str:
    P = _tensor(get(ns, "P"), "P")
    if tuple(P.shape) != (V, V):
        raise Wrong(f"shape {tuple(P.shape)}: P is 27x27 like N.")
    if not P.is_floating_point():
        raise Wrong(f"P is {P.dtype}: make it float before dividing, N.float().")
    _rows_or_columns(P, "P")
    if torch.allclose(P.double(), ref_P(1.0), atol=1e-6):
        raise Wrong("that is the smoothed table (N + 1); here the lesson takes N as it is.")
    if not torch.allclose(P.double(), ref_P(0.0), atol=1e-6):
        raise Wrong("rows sum to 1 but the values differ: P = N.float() / row sums.")
    return "every row of P sums to 1; P.sum(1, keepdim=True) is a (27, 1) column"


@_register(
    "04_sampling.ipynb",
    ("g", "out"),
    "The loop of the cell that sampled from N, with p = P[ix] and g seeded again right before.",
)
def sampling_P(ns: dict[str, Any]) -> str:
    _generator(ns)
    P = lesson_P()
    names, state = ref_sampling(lambda ix: P[ix])
    last = _last_name(ns)
    _sampled(ns, last, names[-1:], state)
    return f"the same 5 names as from the rows of N (same probabilities, seed): ..., {last[0]!r}"


# === 05 · Negative log-likelihood and smoothing ==================================================


def _loop_nll(
    ns: dict[str, Any], loop_words: list[str], alpha: int, tol: float
) -> tuple[float, float, int]:
    """The learner's (log_likelihood, nll, n), checked against the lesson's loop over
    `loop_words` with P = (N + alpha) / row sums (plain Python over the bigrams)."""
    nll = _number(get(ns, "nll"), "nll")
    ll = _number(get(ns, "log_likelihood"), "log_likelihood")
    n = get(ns, "n")
    pairs = [(a, b) for w in loop_words for a, b in zip("." + w, w + ".", strict=True)]
    P = ref_P(float(alpha))
    ix = ref_ix()
    probs = [float(P[ix[a], ix[b]]) for a, b in pairs]
    want = sum(math.log(p) if p > 0 else -math.inf for p in probs)
    if n == len(loop_words) and len(loop_words) > 1:
        raise Wrong(f"n = {n:,} counts words; n counts bigrams: n += 1 inside the inner loop.")
    if n != len(pairs):
        raise Wrong(f"n = {n}; the loop sees {len(pairs):,} bigrams: add 1 to n for each.")
    if math.isinf(ll) and not math.isinf(want):
        raise Wrong(
            "log_likelihood = -inf: some probability is 0 and log(0) = -inf. Smooth the counts "
            "first, (N + 1), so that no bigram is impossible."
        )
    if _close(ll, math.exp(want), 1e-6) and want < -1:
        raise Wrong("that is the product of the probabilities; add their logs instead.")
    if math.isinf(want):
        if not (math.isinf(ll) and ll < 0 and math.isinf(nll) and nll > 0):
            raise Wrong("with a zero in P the loop should give log_likelihood = -inf, nll = inf.")
        return ll, nll, n
    if not _close(ll, want, tol * max(1.0, abs(want))):
        raise Wrong(f"log_likelihood = {ll:.4f}; add up log P[ix1, ix2] over the {n:,} bigrams.")
    if _close(nll, ll, 1e-9) and ll < 0:
        raise Wrong(
            f"nll = {nll:.4f} is negative: NLL needs the minus sign, nll = -log_likelihood."
        )
    if not _close(nll, -ll, 1e-6 * max(1.0, abs(ll))):
        raise Wrong(f"nll = {nll:.4f}; it is -log_likelihood.")
    return ll, nll, n


@_register(
    "05_nll_smoothing.ipynb",
    ("nll", "log_likelihood", "n"),
    "For each bigram: prob = P[ix1, ix2]; logprob = torch.log(prob); log_likelihood += logprob; "
    "n += 1. Then nll = -log_likelihood.",
)
def nll_three_words(ns: dict[str, Any]) -> str:
    ll, nll, n = _loop_nll(ns, list(ref_words()[:3]), 0, 1e-5)
    return f"log_likelihood = {ll:.4f}, nll = {nll:.4f}, nll/n = {nll / n:.4f} (the video's)"


@_register(
    "05_nll_smoothing.ipynb",
    ("nll", "log_likelihood", "n"),
    "The loop of the three words over `words`, without the print per bigram; "
    "the average is nll / n.",
)
def average_nll(ns: dict[str, Any]) -> str:
    # a float32 running sum of 228,146 terms drifts by ~1e-5 of its size (the video's 559,891.75)
    ll, nll, n = _loop_nll(ns, list(ref_words()), 0, 1e-4)
    return (
        f"nll = {nll:,.2f}, average nll/n = {nll / n:.4f} over {n:,} bigrams (the video's 2.4541)"
    )


@_register(
    "05_nll_smoothing.ipynb",
    ("P",),
    "Add one fake count to every cell of N before you turn the rows into probabilities.",
)
def smoothing(ns: dict[str, Any]) -> str:
    P = _tensor(get(ns, "P"), "P")
    if tuple(P.shape) != (V, V) or not P.is_floating_point():
        raise Wrong("P should be a 27x27 float tensor: (N + 1).float().")
    _rows_or_columns(P, "P")
    if (P == 0).any():
        raise Wrong("P still has zeros, so log(0) = -inf for 'jq': add 1 to N before dividing.")
    if not torch.allclose(P.double(), ref_P(1.0), atol=1e-6):
        raise Wrong("add 1 to the counts *before* normalising: (N + 1) / row sums.")
    return f"no zeros left; P[j, q] = {float(P[10, 17]):.5f} (jq: never seen, now possible)"


@_register(
    "05_nll_smoothing.ipynb",
    ("nll", "log_likelihood", "n"),
    'The loop of the first cell with for w in ["andrejq"]:, now with the smoothed P.',
)
def andrejq(ns: dict[str, Any]) -> str:
    ll, nll, n = _loop_nll(ns, ["andrejq"], 1, 1e-5)
    return f"log_likelihood = {ll:.4f}, nll/n = {nll / n:.4f}: finite now (the video's 3.4834)"


@_register(
    "05_nll_smoothing.ipynb",
    ("nll", "log_likelihood", "n"),
    "The loop over every word once more; P is now the smoothed table.",
)
def smoothed_nll(ns: dict[str, Any]) -> str:
    nll = _number(get(ns, "nll"), "nll")
    n = get(ns, "n")
    # the averages with and without smoothing differ by 0.0006; which one is nearer?
    if isinstance(n, int) and n == BIGRAMS:
        mean = nll / n
        if abs(mean - ref_nll(0.0)) < abs(mean - ref_nll(1.0)):
            raise Wrong(f"nll/n = {mean:.4f} is the unsmoothed loss: run the smoothing cell first.")
    ll, nll, n = _loop_nll(ns, list(ref_words()), 1, 1e-4)
    return f"nll/n = {nll / n:.4f}, up from 2.4541: smoothing costs a little (the video's 2.4544)"


# === 06 · The bigram model as a neural net ========================================================

EMMA_X, EMMA_Y = [0, 5, 13, 13, 1], [5, 13, 13, 1, 0]


def _emma_probs(W: torch.Tensor) -> torch.Tensor:
    """softmax of the rows of W picked by emma's inputs (the one-hot product picks rows)."""
    return torch.softmax(W[EMMA_X], dim=1)


def _emma_loss_and_grad(W: torch.Tensor) -> tuple[float, torch.Tensor]:
    W = W.detach().clone().requires_grad_()
    loss = -_emma_probs(W)[torch.arange(5), EMMA_Y].log().mean()
    loss.backward()
    assert W.grad is not None
    return loss.item(), W.grad


@_register(
    "06_neural_net.ipynb",
    ("xs", "ys"),
    "For the first word: xs.append(stoi[ch1]); ys.append(stoi[ch2]); then torch.tensor(xs).",
)
def pairs_emma(ns: dict[str, Any]) -> str:
    xs, ys = get(ns, "xs"), get(ns, "ys")
    if isinstance(xs, list) or isinstance(ys, list):
        raise Wrong("xs and ys are lists: torch.tensor(xs) makes the integer tensor.")
    xs, ys = _tensor(xs, "xs"), _tensor(ys, "ys")
    if xs.tolist() == EMMA_Y and ys.tolist() == EMMA_X:
        raise Wrong("xs and ys are swapped: the input is the first character of each pair.")
    if len(xs) == 4:
        raise Wrong("4 pairs: emma has 5 with '.' at both ends; the end '.' is forgotten.")
    if xs.tolist() != EMMA_X or ys.tolist() != EMMA_Y:
        raise Wrong(f"xs = {xs.tolist()}; want {EMMA_X} ('.', e, m, m, a).")
    if xs.dtype != torch.int64:
        raise Wrong(f"xs is {xs.dtype}: the indices are integers, torch.tensor (lowercase).")
    return f"xs = {xs.tolist()}, ys = {ys.tolist()} (int64)"


@_register(
    "06_neural_net.ipynb",
    ("xenc",),
    "F.one_hot makes the one-hot rows; they must have 27 slots and be floats, like W, to be "
    "multiplied by W.",
)
def one_hot_float(ns: dict[str, Any]) -> str:
    xenc = _tensor(get(ns, "xenc"), "xenc")
    if xenc.dtype == torch.int64:
        raise Wrong(
            "xenc is int64, as F.one_hot returns it: a float W cannot multiply it. Add .float()."
        )
    if tuple(xenc.shape) != (5, V):
        raise Wrong(f"shape {tuple(xenc.shape)}: pass num_classes=27 so every row has 27 slots.")
    if xenc.dtype != torch.float32:
        raise Wrong(f"xenc is {xenc.dtype}: .float() makes float32.")
    if xenc.argmax(1).tolist() != EMMA_X or not bool((xenc.sum(1) == 1).all()):
        raise Wrong("each row should be the one-hot of xs: a single 1 at index xs[k].")
    return f"xenc {tuple(xenc.shape)} float32, one 1 per row"


@_register(
    "06_neural_net.ipynb",
    ("W", "logits"),
    "W is a 27x27 tensor of normal random numbers drawn with the lesson's seeded generator; "
    "the logits are the one-hot rows times W.",
)
def logits(ns: dict[str, Any]) -> str:
    W, lg = _tensor(get(ns, "W"), "W"), _tensor(get(ns, "logits"), "logits")
    if tuple(W.shape) != (V, V):
        raise Wrong(f"W has shape {tuple(W.shape)}: 27 inputs x 27 neurons.")
    if not torch.equal(W.detach(), seeded_W()):
        raise Wrong(
            "W is not the seeded one: torch.randn without generator=g is not reproducible. "
            "Use g = torch.Generator().manual_seed(2147483647)."
        )
    if not torch.allclose(lg, seeded_W()[EMMA_X], atol=1e-6):
        raise Wrong("logits should be xenc @ W, shape (5, 27).")
    return f"logits {tuple(lg.shape)}; logits[3, 13] = {float(lg[3, 13]):.4f} = W[13, 13]"


@_register(
    "06_neural_net.ipynb",
    ("probs",),
    "exp turns the logits into positive counts; divide each row by its own sum so every row "
    "adds up to 1.",
)
def softmax(ns: dict[str, Any]) -> str:
    probs = _tensor(get(ns, "probs"), "probs")
    if tuple(probs.shape) != (5, V):
        raise Wrong(f"shape {tuple(probs.shape)}: one row of 27 probabilities per example.")
    if bool((probs < 0).any()):
        raise Wrong("negative probabilities: exponentiate the logits first, logits.exp().")
    if not torch.allclose(probs.sum(1), torch.ones(5), atol=1e-5):
        raise Wrong(
            "the rows of probs do not sum to 1 (its columns may): sum each row, over dim 1, "
            "keeping the sums as a column: counts.sum(1, keepdim=True)."
        )
    if not torch.allclose(probs.detach(), _emma_probs(seeded_W()), atol=1e-6):
        raise Wrong("rows should be exp(logits) divided by their row sums.")
    return f"probs (5, 27), rows sum to 1; probs[0, 0] = {float(probs[0, 0]):.4f} (the video's)"


@_register(
    "06_neural_net.ipynb",
    ("nlls",),
    "For example i: the probability the net gives the label y, its log, and minus that log is "
    "the example's NLL.",
)
def nlls_loop(ns: dict[str, Any]) -> str:
    nlls = _tensor(get(ns, "nlls"), "nlls")
    if tuple(nlls.shape) == (5,) and bool((nlls == 0).all()):
        raise Missing("nlls is still all zeros: fill nlls[i] in the loop above and run it.")
    want = -_emma_probs(seeded_W())[torch.arange(5), EMMA_Y].log()
    if torch.allclose(nlls, -want, atol=1e-4):
        raise Wrong("nlls are negative: the negative log-likelihood is -log p, add the minus sign.")
    if not torch.allclose(nlls, want, atol=1e-4):
        raise Wrong("nlls[i] should be -log probs[i, ys[i]]: the probability of the label.")
    return f"nlls = {[round(x, 4) for x in nlls.tolist()]}, average {float(nlls.mean()):.4f}"


@_register(
    "06_neural_net.ipynb",
    ("loss",),
    "probs[torch.arange(5), ys] picks each example's label; then -( .log().mean() ).",
)
def loss_by_indexing(ns: dict[str, Any]) -> str:
    value = _number(get(ns, "loss"), "loss")
    want = 3.7693  # the lesson's figure for this W and emma
    if _close(value, -want, 1e-3):
        raise Wrong(f"loss = {value:.4f} is negative: NLL is -log p, add the minus sign.")
    if _close(value, 5 * want, 5e-3):
        raise Wrong(f"loss = {value:.4f} is the sum of 5 terms; the average is asked: .mean().")
    if not _close(value, want, 1e-4):
        raise Wrong(
            f"loss = {value:.4f}: index with two arrays, probs[torch.arange(5), ys], to get one "
            f"probability per example (probs[:, ys] gives a 5x5 block)."
        )
    return f"loss = {value:.4f} (the video's 3.7693)"


@_register(
    "06_neural_net.ipynb",
    ("loss", "W"),
    "Forward pass as above; then W.grad = None and loss.backward().",
)
def backward(ns: dict[str, Any]) -> str:
    value = _number(get(ns, "loss"), "loss")
    W = _tensor(get(ns, "W"), "W")
    want, grad = _emma_loss_and_grad(seeded_W())
    if _close(value, -want, 1e-3):
        raise Wrong(f"loss = {value:.4f} is negative: NLL is -log p, add the minus sign.")
    if _close(value, 5 * want, 5e-3):
        raise Wrong(f"loss = {value:.4f} is the sum of 5 terms; the average is asked: .mean().")
    if not _close(value, want, 1e-4):
        raise Wrong(f"loss = {value:.4f}; the forward pass of the five examples gives {want:.4f}.")
    if not getattr(get(ns, "loss"), "requires_grad", False):
        raise Wrong("loss was computed from an earlier W: redo the forward pass with this W.")
    if W.grad is None:
        raise Wrong("W.grad is None: call loss.backward() (W needs requires_grad=True).")
    if torch.allclose(W.grad, 2 * grad, atol=1e-6):
        raise Wrong("W.grad is twice the gradient: gradients not reset. W.grad = None first.")
    if not torch.allclose(W.grad, grad, atol=1e-6):
        raise Wrong("W.grad is not the gradient of this loss: backward from loss, once.")
    return f"loss {value:.4f}; W.grad {tuple(W.grad.shape)}, nonzero only in the rows . a e m"


@_register(
    "06_neural_net.ipynb",
    ("W",),
    "Step against the gradient: move W.data a little (learning rate 0.1) in the direction that "
    "lowers the loss.",
)
def gradient_step(ns: dict[str, Any]) -> str:
    W = _tensor(get(ns, "W"), "W").detach()
    W0 = seeded_W()
    _, g = _emma_loss_and_grad(W0)
    if torch.allclose(W, W0):
        raise Missing("W has not changed yet: write the update in the cell above and run it.")
    if torch.allclose(W, W0 + 0.1 * g, atol=1e-6):
        raise Wrong(
            "the update has the wrong sign: the loss goes up. Step against it, -0.1 * W.grad."
        )
    if torch.allclose(W, W0 - 0.2 * g, atol=1e-6):
        raise Wrong(
            "W moved twice as far: the update ran twice (or gradients not reset). Run again "
            "from the cell that makes W, then this cell once."
        )
    if not torch.allclose(W, W0 - 0.1 * g, atol=1e-6):
        raise Wrong("W is not one step of -0.1 * W.grad from the seeded W: re-run from its cell.")
    new = -_emma_probs(W)[torch.arange(5), EMMA_Y].log().mean().item()
    return f"one step lowered the loss: 3.7693 -> {new:.4f}"


@_register(
    "06_neural_net.ipynb",
    ("xs", "ys", "num"),
    "The loop of the five examples over `words`: xs.append(ix1); ys.append(ix2); "
    "then torch.tensor; num = xs.nelement().",
)
def dataset(ns: dict[str, Any]) -> str:
    xs, ys = get(ns, "xs"), get(ns, "ys")
    if isinstance(xs, list) or isinstance(ys, list):
        raise Wrong("xs and ys are still Python lists: make tensors, xs = torch.tensor(xs).")
    xs, ys = _tensor(xs, "xs"), _tensor(ys, "ys")
    num = get(ns, "num")
    if len(xs) == BIGRAMS - WORDS:
        raise Wrong(f"{len(xs):,} pairs, {WORDS:,} short: the end '.' of each word is forgotten.")
    if len(xs) != BIGRAMS or len(ys) != BIGRAMS:
        raise Wrong(f"{len(xs):,} inputs, {len(ys):,} labels; want {BIGRAMS:,} of each.")
    counts = torch.bincount(xs.long() * V + ys.long(), minlength=V * V).view(V, V)
    if torch.equal(counts.T, ref_N()):
        raise Wrong("xs and ys are swapped: xs holds the first character, ys the next one.")
    if not torch.equal(counts, ref_N()):
        raise Wrong("the pairs do not match the counts: xs gets stoi[ch1], ys gets stoi[ch2].")
    if num != BIGRAMS:
        raise Wrong(f"num = {num!r}: the number of examples, xs.nelement().")
    return f"{num:,} examples (the video's 228,146); their counts are N"


def _losses(ns: dict[str, Any], name: str, want: int) -> list[float]:
    losses = get(ns, name)
    if losses == []:
        raise Missing(f"`{name}` is empty: write the training loop in the cell above and run it.")
    if not isinstance(losses, list) or len(losses) < 2:
        raise Wrong(
            f"`{name}` should be the list of the {want} losses: losses.append(loss.item())."
        )
    return [float(x) for x in losses]


def _training_mistakes(got: list[float]) -> None:
    """Name the mistake whose loop gives these losses (the first five steps)."""
    right = ref_training(5)[0]
    plain = ref_training(5, l2=0.0)[0]
    penalty = right[0] - plain[0]
    if _close(got[0], -plain[0] + penalty, 1e-3) or got[0] < 0:
        raise Wrong(f"the first loss is {got[0]:.4f}, negative: -log p needs its minus sign.")
    if got[0] > 100:
        raise Wrong(
            f"the first loss is {got[0]:,.0f}: a sum over all {BIGRAMS:,} examples; the average "
            f"is asked for, .mean()."
        )
    if all(_close(a, b, 1e-3) for a, b in zip(got, plain, strict=False)):
        raise Wrong(
            f"the losses start at {got[0]:.4f}, without the lesson's penalty: "
            f"loss = -probs[...].log().mean() + 0.01 * (W**2).mean()."
        )
    for mode, message in (
        ("no_reset", "gradients not reset between steps: set W.grad = None before backward()."),
        ("wrong_sign", "the update has the wrong sign: W.data += -50 * W.grad goes downhill."),
    ):
        wrong = ref_training(5, mode)[0]
        if all(_close(a, b, 1e-3 * max(1.0, abs(b))) for a, b in zip(got, wrong, strict=False)):
            raise Wrong(message)
    if not all(_close(a, b, 1e-3) for a, b in zip(got, right, strict=False)):
        raise Wrong(
            f"losses {[round(x, 4) for x in got[:5]]} from the seeded W; the lesson's loop gives "
            f"{[round(x, 4) for x in right]}: full batch, learning rate 50."
        )


@_register(
    "06_neural_net.ipynb",
    ("losses",),
    "In each step: the forward pass, W.grad = None, loss.backward(), W.data += -50 * W.grad.",
)
def training_loop(ns: dict[str, Any]) -> str:
    got = _losses(ns, "losses", 100)
    _training_mistakes(got[:5])
    if len(got) != 100:
        raise Wrong(f"{len(got)} losses: the lesson takes 100 steps, for k in range(100).")
    want = ref_training(100)[0]
    if not _close(got[-1], want[-1], 1e-3):
        raise Wrong(
            f"the last loss is {got[-1]:.4f}; 100 of the lesson's steps reach {want[-1]:.4f}."
        )
    return f"loss {got[0]:.4f} -> {got[1]:.4f} -> ... -> {got[-1]:.4f} (the video's 3.7686, 3.3788)"


# === 07 · The net learns the counts ==============================================================


def _trained_W(ns: dict[str, Any]) -> torch.Tensor:
    W = _tensor(get(ns, "W"), "W").detach()
    if tuple(W.shape) != (V, V) or not torch.allclose(W.double(), ref_training(100)[1], atol=1e-2):
        raise Wrong("W is not the trained net: run the training cell (check 'trained_net') first.")
    return W


@_register(
    "07_matches_counts.ipynb",
    ("loss", "W"),
    "The loop of 06: forward pass with the penalty, W.grad = None, loss.backward(), "
    "W.data += -50 * W.grad.",
)
def trained_net(ns: dict[str, Any]) -> str:
    value = _number(get(ns, "loss"), "loss")
    W = _tensor(get(ns, "W"), "W").detach()
    if torch.equal(W, seeded_W()):
        raise Wrong("W is still the random start: the update W.data += -50 * W.grad is missing.")
    want = ref_training(100)[0][-1]
    if not _close(value, want, 1e-3):
        for mode, l2, message in (
            ("no_reset", 0.01, "gradients not reset between steps: W.grad = None first."),
            ("wrong_sign", 0.01, "the update has the wrong sign: W.data += -50 * W.grad."),
            ("right", 0.0, "no penalty: the lesson's loss adds 0.01 * (W**2).mean()."),
        ):
            wrong = ref_training(100, mode, l2)[0][-1]
            both_blown = not math.isfinite(value) and not math.isfinite(wrong)
            if both_blown or _close(value, wrong, 1e-3 * max(1.0, abs(wrong))):
                raise Wrong(f"loss = {value:.4f}: {message}")
        if value < 0:
            raise Wrong(f"the loss is {value:.4f}, negative: -log p needs its minus sign.")
        if not math.isfinite(value) or value > ref_training(1)[0][0]:
            raise Wrong(f"loss = {value:.4f}, above the start: the update has the wrong sign.")
        raise Wrong(f"loss = {value:.4f}; 100 of 06's steps from the seeded W end at {want:.4f}.")
    _trained_W(ns)
    return f"after 100 steps loss = {value:.4f} (06's), W trained"


def _net_row(W: torch.Tensor) -> Callable[[int], torch.Tensor]:
    def row(ix: int) -> torch.Tensor:
        xenc = torch.nn.functional.one_hot(torch.tensor([ix]), num_classes=V).float()
        counts = (xenc @ W).exp()
        return counts / counts.sum(1, keepdim=True)

    return row


def _name_list(ns: dict[str, Any], name: str) -> list[str]:
    names = get(ns, name)
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise Wrong(f"`{name}` should be a list of names (strings): {name}.append(''.join(out)).")
    if not names:
        raise Missing(f"`{name}` is empty: write the sampling loop in the cell above and run it.")
    return names


@_register(
    "07_matches_counts.ipynb",
    ("g", "from_net"),
    "Inside the loop: xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float(); "
    "logits = xenc @ W; counts = logits.exp(); p = counts / counts.sum(1, keepdim=True).",
)
def net_samples(ns: dict[str, Any]) -> str:
    _generator(ns)
    names = _name_list(ns, "from_net")
    W = _trained_W(ns)
    want, state = ref_sampling(_net_row(W))
    if names == ref_sampling(lambda ix: lesson_P(1)[ix])[0]:
        raise Wrong("those are the count model's names: here p comes from the net, xenc @ W.")
    _sampled(ns, names, want, state)
    return f"from the net: {', '.join(names)}"


@_register(
    "07_matches_counts.ipynb",
    ("g", "from_counts"),
    "The sampling loop of 04 with p = P[ix]; from_counts.append(''.join(out)).",
)
def count_samples(ns: dict[str, Any]) -> str:
    _generator(ns)
    names = _name_list(ns, "from_counts")
    P = lesson_P(1)
    want, state = ref_sampling(lambda ix: P[ix])
    _sampled(ns, names, want, state)
    same = sum(a == b for a, b in zip(names, ns.get("from_net", []), strict=False))
    return f"from the counts: {', '.join(names)} ({same} of {len(names)} the same as the net's)"


@_register(
    "07_matches_counts.ipynb",
    ("P_net", "from_table"),
    "The net's table is softmax of W by rows: exp, then divide each row by its sum.",
)
def net_table(ns: dict[str, Any]) -> str:
    P_net = _tensor(get(ns, "P_net"), "P_net").detach()
    W = _trained_W(ns)
    if tuple(P_net.shape) != (V, V):
        raise Wrong(f"shape {tuple(P_net.shape)}: one row of 27 probabilities per character.")
    _rows_or_columns(P_net, "P_net")
    if not torch.allclose(P_net, torch.softmax(W, dim=1), atol=1e-6):
        raise Wrong("P_net should be W.exp(), each row divided by its own sum.")
    table = _name_list(ns, "from_table")
    if table != ns.get("from_net"):
        raise Wrong("from_table differs from from_net: the same loop and seed, with p = P_net[ix].")
    return "sampling from P_net = softmax(W) gives from_net exactly: the net is a 27x27 table"


@_register(
    "07_matches_counts.ipynb",
    ("diff", "i", "j"),
    "diff is the size of the gap in every cell; argmax() numbers the cells row by row, so "
    "divmod by 27 gives (row, column).",
)
def table_gap(ns: dict[str, Any]) -> str:
    diff = _tensor(get(ns, "diff"), "diff").detach()
    i, j = get(ns, "i"), get(ns, "j")
    W = _trained_W(ns)
    want = (torch.softmax(W, dim=1) - lesson_P(1)).abs()
    if tuple(diff.shape) != (V, V):
        raise Wrong(f"shape {tuple(diff.shape)}: one difference per cell, 27x27.")
    if bool((diff < 0).any()):
        raise Wrong("diff has negative entries: take the absolute difference, .abs().")
    if not torch.allclose(diff, want, atol=1e-6):
        raise Wrong("diff should be (P_net - P).abs(), P the count model of the first cell.")
    itos = {k: ch for ch, k in ref_ix().items()}
    wi, wj = divmod(int(want.argmax()), V)
    if (i, j) == (wj, wi):
        raise Wrong("i and j are swapped: divmod(k, 27) gives (row, column).")
    if (i, j) != (wi, wj):
        raise Wrong(f"(i, j) = ({i}, {j}); the largest difference is at row {wi}, column {wj}.")
    return (
        f"average difference {float(diff.mean()):.4f}; largest {float(diff.max()):.4f} at "
        f"{itos[i] + itos[j]} (row q has only 272 bigrams)"
    )


# === 08 · Trigrams ===============================================================================


@_register(
    "08_trigram.ipynb",
    ("trigrams_of",),
    'chs = ["."] * 2 + list(word) + ["."]; zip(chs, chs[1:], chs[2:]).',
)
def trigrams_of(ns: dict[str, Any]) -> str:
    fn = get(ns, "trigrams_of")
    got = [tuple(t) for t in call(fn, "trigrams_of", "emma")]
    want = [(".", ".", "e"), (".", "e", "m"), ("e", "m", "m"), ("m", "m", "a"), ("m", "a", ".")]
    if got and got[0] == (".", "e", "m"):
        raise Wrong("the first trigram should be ('.', '.', 'e'): pad the start with two '.'.")
    if got and got[-1] == ("m", "m", "a"):
        raise Wrong("no trigram ends with '.': the end token is forgotten.")
    if got and len(got[0]) == 2:
        raise Wrong("pairs, not triples: zip three shifted copies, chs, chs[1:], chs[2:].")
    if got != want:
        raise Wrong(f"trigrams_of('emma') = {got}; want 5 triples from ..e to ma.")
    return "emma -> " + " ".join("".join(t[:2]) + "→" + t[2] for t in got)


@functools.cache
def ref_trigrams() -> Counter[tuple[str, str, str]]:
    """Counts of (c1, c2, c3) with '..' in front and '.' after every word."""
    return Counter(
        t for w in ref_words() for t in zip(".." + w, "." + w + ".", w + ".", strict=False)
    )


@_register(
    "08_trigram.ipynb",
    ("trigram_counts", "N3"),
    "Counter of every trigram of every word; N3: row c1 * 27 + c2, column c3.",
)
def trigram_counts(ns: dict[str, Any]) -> str:
    tc, N3 = get(ns, "trigram_counts"), _tensor(get(ns, "N3"), "N3")
    total = sum(tc.values())
    if total == BIGRAMS - WORDS:
        raise Wrong(
            f"{total:,} trigrams, {WORDS:,} short (one per word): the end '.' is forgotten."
        )
    if dict(tc) != dict(ref_trigrams()):
        raise Wrong(f"{total:,} trigrams; every word gives len(w) + 1 of them.")
    if tuple(N3.shape) == (V, V, V):
        raise Wrong("27x27x27 works, but here the context is flattened: N3.view(729, 27).")
    if tuple(N3.shape) != (V * V, V) or int(N3.sum()) != BIGRAMS:
        raise Wrong(f"N3 {tuple(N3.shape)}, sum {int(N3.sum()):,}: want (729, 27), {BIGRAMS:,}.")
    return f"{total:,} trigrams, {len(tc):,} distinct; N3 (729, 27)"


@_register(
    "08_trigram.ipynb",
    ("nll",),
    "nll[n, alpha] = average -log P over every n-gram, for n in 2, 3 and alpha in 0, 1.",
)
def trigram_nll(ns: dict[str, Any]) -> str:
    nll = get(ns, "nll")
    if not isinstance(nll, dict) or (3, 1.0) not in nll:
        raise Wrong("`nll` should be a dict keyed by (n, alpha), e.g. nll[3, 1.0].")
    tri = ref_trigrams()
    rows: Counter[tuple[str, str]] = Counter()
    for (a, b, _), k in tri.items():
        rows[a, b] += k
    want = -sum(k * math.log((k + 1) / (rows[a, b] + V)) for (a, b, _), k in tri.items()) / BIGRAMS
    value = float(nll[3, 1.0])
    _nll_mistakes(value, want, BIGRAMS, "nll[3, 1.0]")
    if not _close(value, want, 1e-4):
        raise Wrong(f"nll[3, 1.0] = {value:.4f}; the smoothed trigram average NLL.")
    return f"trigram NLL (α = 1) = {value:.4f}, below the bigram's {ref_nll(1.0):.4f}"


@_register(
    "08_trigram.ipynb",
    ("x1", "x2", "ys", "logits_index"),
    "xs is c1 * 27 + c2: x1 = xs // 27, x2 = xs % 27; logits_index = W[x1] + W[V + x2].",
)
def trigram_inputs(ns: dict[str, Any]) -> str:
    x1, x2, ys = (_tensor(get(ns, k), k) for k in ("x1", "x2", "ys"))
    ix = ref_ix()
    want = [
        (ix[a], ix[b], ix[c])
        for w in ref_words()[:1]
        for a, b, c in zip(".." + w, "." + w + ".", w + ".", strict=False)
    ]
    got = list(zip(x1[:5].tolist(), x2[:5].tolist(), ys[:5].tolist(), strict=True))
    if got == [(b, a, c) for a, b, c in want]:
        raise Wrong("x1 and x2 are swapped: the first context character is xs // 27.")
    if len(ys) != BIGRAMS or got != want:
        raise Wrong(f"first examples {got}; want {want} (..e, .em, emm, mma, ma.).")
    lg = _tensor(get(ns, "logits_index"), "logits_index")
    W = seeded_W(2 * V)
    if tuple(lg.shape) != (BIGRAMS, V):
        raise Wrong(f"logits_index has shape {tuple(lg.shape)}: one row of 27 per example.")
    if not torch.allclose(lg, W[x1] + W[V + x2], atol=1e-6):
        raise Wrong(
            "logits_index = W[x1] + W[V + x2]: the first half of W for c1, the second for c2."
        )
    return f"{len(ys):,} examples, the first: ..→e .e→m em→m mm→a ma→.; logits (228,146, 27)"


@_register(
    "08_trigram.ipynb",
    ("train",),
    "W starts at zeros; each step: loss, W.grad = None, loss.backward(), W -= lr * W.grad.",
)
def trigram_train(ns: dict[str, Any]) -> str:
    fn = get(ns, "train")
    out = call(fn, "train", 30.0, 4)
    if not isinstance(out, tuple) or len(out) != 2:
        raise Wrong("train should return two things: W, losses.")
    got = out[1]
    tri = ref_trigrams()
    ix = ref_ix()
    counts = torch.zeros((V * V, V), dtype=torch.float64)
    for (a, b, c), k in tri.items():
        counts[ix[a] * V + ix[b], ix[c]] = k
    first, second = torch.arange(V * V) // V, torch.arange(V * V) % V

    def descent(mode: str) -> list[float]:
        W = torch.zeros((2 * V, V), dtype=torch.float64, requires_grad=True)
        acc, out = torch.zeros_like(W), list[float]()
        for _ in range(4):
            loss = -(counts * (W[first] + W[V + second]).log_softmax(1)).sum() / counts.sum()
            W.grad = None
            loss.backward()
            assert W.grad is not None
            acc = acc + W.grad if mode == "no_reset" else W.grad
            with torch.no_grad():
                W += 30.0 * acc if mode == "wrong_sign" else -30.0 * acc
            out.append(loss.item())
        return out

    got = [float(x) for x in got]
    if not _close(got[0], math.log(V), 1e-6):
        raise Wrong(f"first loss {got[0]:.4f}; from W = 0 it is ln 27 = {math.log(V):.4f}.")
    for mode, message in (
        ("no_reset", "gradients not reset between steps: W.grad = None before backward()."),
        ("wrong_sign", "the update has the wrong sign: W -= lr * W.grad goes downhill."),
    ):
        if all(_close(a, b, 1e-6) for a, b in zip(got, descent(mode), strict=True)):
            raise Wrong(message)
    if not all(_close(a, b, 1e-6) for a, b in zip(got, descent("right"), strict=True)):
        raise Wrong(f"losses {[round(x, 4) for x in got]} differ from plain gradient descent.")
    return f"train(30.0, 4): loss {got[0]:.4f} -> {got[-1]:.4f}, downhill every step"


# --- second hints: one step closer to the code ---------------------------------------------------

MORE_HINTS = {
    "words": "words = open(path).read().splitlines()",
    "n_words": "len(words)",
    "shortest": "min(len(w) for w in words)",
    "longest": "max(len(w) for w in words)",
    "zip_pairs": "for ch1, ch2 in zip(w, w[1:]):\n        print(ch1, ch2)",
    "tokens": 'chs = ["<S>"] + list(w) + ["<E>"]; for ch1, ch2 in zip(chs, chs[1:]): ...',
    "bigram_counts": "for w in words: chs = ...; for ch1, ch2 in zip(chs, chs[1:]): "
    "bigram = (ch1, ch2); b[bigram] = b.get(bigram, 0) + 1",
    "ranked": "sorted(b.items(), key=lambda kv: -kv[1])[:10]",
    "tensor_basics": "a = torch.zeros((3, 5), dtype=torch.int32); a[1, 3] += 1; a[1, 3] += 1; "
    "a[0, 0] = 5",
    "N28": 'stoi = {s: i for i, s in enumerate(chars)}; stoi["<S>"] = 26; stoi["<E>"] = 27; '
    "then the loop of 02 with N[ix1, ix2] += 1.",
    "stoi_itos": 'stoi = {s: i + 1 for i, s in enumerate(chars)}; stoi["."] = 0; '
    "itos = {i: s for s, i in stoi.items()}",
    "count_matrix": "Inside the loop: ix1 = stoi[ch1]; ix2 = stoi[ch2]; N[ix1, ix2] += 1",
    "item": "N[1, 2], N[1, 2].item()",
    "first_row": "p = N[0].float(); p = p / p.sum()",
    "one_draw": "ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()",
    "seeded_rand": "p = torch.rand(3, generator=g); p = p / p.sum()",
    "sampling_loop": "for _ in range(5): out = []; ix = 0; while True: ... if ix == 0: break; "
    'then print("".join(out))',
    "uniform_loop": "p = torch.ones(27) / 27.0 in place of the row of N.",
    "P_keepdim": "keepdim=True keeps the row sums as a (27, 1) column, so each row is divided.",
    "sampling_P": "p = P[ix]: the rows of P already sum to 1.",
    "nll_three_words": "log_likelihood and n start at 0; nll = -log_likelihood; print(f'{nll/n}').",
    "average_nll": "for w in words: in place of for w in words[:3]:",
    "smoothing": "P = (N + 1).float(); P /= P.sum(1, keepdim=True)",
    "andrejq": 'for w in ["andrejq"]: and the loop body of the first cell.',
    "smoothed_nll": "The cell of the average over all words, run again after the smoothing cell.",
    "pairs_emma": "for w in words[:1]: chs = ['.'] + list(w) + ['.']; "
    "for ch1, ch2 in zip(chs, chs[1:]): xs.append(stoi[ch1]); ys.append(stoi[ch2])",
    "one_hot_float": "F.one_hot gives int64; .float() converts it.",
    "logits": "W = torch.randn((27, 27), generator=g); logits = xenc @ W",
    "softmax": "counts = logits.exp(); probs = counts / counts.sum(1, keepdim=True)",
    "nlls_loop": "p = probs[i, y]; logp = torch.log(p); nlls[i] = -logp",
    "loss_by_indexing": "loss = -probs[torch.arange(5), ys].log().mean()",
    "backward": "W.grad = None; loss.backward()",
    "gradient_step": "W.data += -0.1 * W.grad",
    "dataset": "xs = torch.tensor(xs); ys = torch.tensor(ys); num = xs.nelement()",
    "training_loop": "loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean(); "
    "losses.append(loss.item()); W.grad = None; loss.backward(); W.data += -50 * W.grad",
    "trained_net": "The body of 06's loop without the progress bar and the prints.",
    "net_samples": "xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float(); "
    "counts = (xenc @ W).exp(); p = counts / counts.sum(1, keepdim=True)",
    "count_samples": "p = P[ix]; from_counts.append(''.join(out)) after each name.",
    "net_table": "counts = W.exp(); P_net = counts / counts.sum(1, keepdim=True)",
    "table_gap": "diff = (P_net - P).abs(); i, j = divmod(diff.argmax().item(), 27)",
    "trigrams_of": "return list(zip(chs, chs[1:], chs[2:]))",
    "trigram_counts": "Counter(t for w in words for t in trigrams_of(w)); "
    "N3 = bigram.count_matrix(words, stoi, 3)",
    "trigram_nll": "for n, N in ((2, N2), (3, N3)): for alpha in (0.0, 1.0): "
    "nll[n, alpha] = bigram.nll_from_counts(N, bigram.probabilities(N, alpha))",
    "trigram_inputs": "x1, x2 = xs // V, xs % V; logits_index = W[x1] + W[V + x2]",
    "trigram_train": "with torch.no_grad(): W -= lr * W.grad; losses.append(loss.item())",
}
for _name, _more in MORE_HINTS.items():
    CHECKS[_name] = replace(CHECKS[_name], hints=CHECKS[_name].hints + (_more,))


# --- gating the lesson's cells on the learner's answers -----------------------------------------


def passed(names: list[str], ns: dict[str, Any]) -> list[str]:
    """The checks in `names` that do not pass yet."""
    return [name for name in names if not result(name, ns)[0]]


def _needs(line: str, cell: str) -> None:
    """%%needs check1 check2: run this cell only once those checks pass; else say why, one line."""
    from IPython import get_ipython

    shell = get_ipython()
    waiting = passed(line.split(), shell.user_ns)
    if waiting:
        todo = ", ".join(f'check("{name}")' for name in waiting)
        print(f"⏸ this cell builds on your answers: it runs once {todo} passes (✓).")
        return
    shell.run_cell(cell)


def _register_magic() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.register_magic_function(_needs, magic_kind="cell", magic_name="needs")


_register_magic()
