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
    print(result(name, _caller_ns(ns))[1])


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


def ref_loss_and_grad(W: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Loss and gradient of the one-layer net on all bigrams, from the 27x27 counts."""
    W = W.detach().double().requires_grad_()
    N = ref_N().double()
    loss = -(N * torch.log_softmax(W, dim=1)).sum() / N.sum()
    loss.backward()
    assert W.grad is not None
    return loss.item(), W.grad


def ref_descent(W0: torch.Tensor, lr: float, steps: int, mode: str = "right") -> list[float]:
    """Losses of `steps` full-batch steps from W0: mode 'right', 'no_reset' or 'wrong_sign'."""
    W, acc, losses = W0.detach().double().clone(), torch.zeros((V, V), dtype=torch.float64), []
    for _ in range(steps):
        loss, grad = ref_loss_and_grad(W)
        losses.append(loss)
        acc = acc + grad if mode == "no_reset" else grad
        W = W + lr * acc if mode == "wrong_sign" else W - lr * acc
    return losses


def seeded_W(rows: int = V) -> torch.Tensor:
    """torch.randn((rows, 27)) from a generator seeded as in the lesson."""
    return torch.randn((rows, V), generator=torch.Generator().manual_seed(SEED))


def ref_samples(P: torch.Tensor, count: int) -> list[str]:
    """The lesson's sampling loop with the lesson's seed, on rows of P."""
    itos = {i: ch for ch, i in ref_ix().items()}
    g = torch.Generator().manual_seed(SEED)
    names = []
    for _ in range(count):
        out, ix = [], 0
        while True:
            ix = int(torch.multinomial(P[ix], 1, replacement=True, generator=g).item())
            out.append(itos[ix])
            if ix == 0:
                break
        names.append("".join(out))
    return names


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


@_register(
    "01_dataset.ipynb",
    ("shortest", "longest"),
    "min and max over the lengths: min(len(w) for w in words).",
)
def shortest_longest(ns: dict[str, Any]) -> str:
    s, lo = get(ns, "shortest"), get(ns, "longest")
    if isinstance(s, str) or isinstance(lo, str):
        raise Wrong("min(words) gives the alphabetically first name; take min of len(w).")
    lengths = [len(w) for w in ref_words()]
    if (s, lo) != (min(lengths), max(lengths)):
        raise Wrong(f"(shortest, longest) = ({s}, {lo}); count characters per name, len(w).")
    return f"shortest {s}, longest {lo} characters (the lesson: 2 and 15)"


@_register(
    "01_dataset.ipynb",
    ("duplicated",),
    "Counter(words) counts each name; keep the names whose count is above 1.",
)
def duplicates(ns: dict[str, Any]) -> str:
    d = get(ns, "duplicated")
    want = WORDS - len(set(ref_words()))
    if not isinstance(d, list | set | tuple):
        raise Wrong(f"`duplicated` should be a list of names, not a {type(d).__name__}.")
    if len(d) == len(set(ref_words())):
        raise Wrong("that is every unique name: keep only those counted more than once.")
    if sorted(d) != sorted(w for w, k in Counter(ref_words()).items() if k > 1):
        raise Wrong(f"{len(d):,} names; {want:,} names appear twice. Keep count > 1.")
    return f"{len(d):,} names appear twice (= {WORDS:,} lines - {len(set(ref_words())):,} unique)"


@_register(
    "01_dataset.ipynb",
    ("chars",),
    'Join all names into one string, take its set, then sort: sorted(set("".join(words))).',
)
def chars(ns: dict[str, Any]) -> str:
    c = get(ns, "chars")
    letters = sorted(set("".join(ref_words())))
    if isinstance(c, set):
        raise Wrong("`chars` is a set, which has no order: wrap it in sorted(...).")
    if list(c) != letters:
        if sorted(c) == letters:
            raise Wrong("the right characters in the wrong order: sort them.")
        raise Wrong(f"{len(c)} characters; the names use {len(letters)}: a set of every character.")
    return f"{len(c)} characters: {''.join(c)}"


@_register(
    "01_dataset.ipynb",
    ("stats",),
    "Five numbers: len(words), len(set(words)), shortest, longest, len(chars).",
)
def stats(ns: dict[str, Any]) -> str:
    s = get(ns, "stats")
    w = ref_words()
    want = {
        "words": len(w),
        "unique": len(set(w)),
        "min_len": min(map(len, w)),
        "max_len": max(map(len, w)),
        "chars": len(set("".join(w))),
    }
    if not isinstance(s, dict) or set(s) != set(want):
        raise Wrong(f"`stats` should be a dict with the keys {', '.join(want)}.")
    if s["unique"] == len(w):
        raise Wrong("unique = every line: some names repeat; count len(set(words)).")
    bad = [k for k in want if s[k] != want[k]]
    if bad:
        raise Wrong(f"wrong value for {', '.join(bad)}.")
    return f"{s['words']:,} words, {s['unique']:,} unique, lengths 2-15, {s['chars']} characters"


# === 02 · Bigrams in a dictionary ================================================================


def _pair_mistakes(got: list, start: str, end: str, word: str = "emma") -> None:
    """Recognise the start or end token forgotten, or no tokens at all."""
    if got and got[-1] == (word[-2], word[-1]) and got[0][0] == start:
        raise Wrong(
            f"no pair ends with {end}: the end token is forgotten; add [{end!r}] at the end."
        )
    if got and got[0] == (word[0], word[1]):
        raise Wrong(f"no pair starts with {start}: put [{start!r}] in front of the characters.")


@_register(
    "02_bigram_dict.ipynb",
    ("pairs",),
    'chs = ["<S>"] + list(w) + ["<E>"], then zip(chs, chs[1:]).',
)
def pairs(ns: dict[str, Any]) -> str:
    got = [tuple(p) for p in get(ns, "pairs")]
    given = ns.get("w")
    w: str = given if isinstance(given, str) and len(given) > 1 else "emma"
    want = [("<S>", w[0])] + list(zip(w, w[1:], strict=False)) + [(w[-1], "<E>")]
    if got != want:
        _pair_mistakes(got, "<S>", "<E>", w)
        raise Wrong(
            f"{got}; the word w = {w!r} gives {len(want)} pairs, from <S>{w[0]} to {w[-1]}<E>."
        )
    return f"{w} -> {len(got)} bigrams: " + " ".join(a + b for a, b in got)


def _dict_total(b: dict) -> int:
    return sum(v for v in b.values())


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
    total = _dict_total(b)
    if b and all(v == 1 for v in b.values()):
        raise Wrong("every count is 1: add to the count, b.get(pair, 0) + 1, don't overwrite it.")
    if total == BIGRAMS - WORDS and not any(k[1] == "<E>" for k in b):
        raise Wrong(
            f"{total:,} bigrams, {WORDS:,} short (one per word): the end token <E> is forgotten."
        )
    if total == BIGRAMS - WORDS and not any(k[0] == "<S>" for k in b):
        raise Wrong(f"{total:,} bigrams, {WORDS:,} short: the start token <S> is forgotten.")
    if dict(b) != dict(want):
        raise Wrong(f"{total:,} bigrams counted; every word of `words` gives len(w) + 1 of them.")
    return f"{len(b)} different bigrams, {total:,} in all"


@_register("02_bigram_dict.ipynb", ("total",), "Add up the counts: sum(b.values()).")
def total(ns: dict[str, Any]) -> str:
    t = get(ns, "total")
    if t == len(ref_bigrams()):
        raise Wrong(f"total = {t}: that is how many *different* bigrams; add up their counts.")
    if t != BIGRAMS:
        raise Wrong(f"total = {t}; sum the values of b.")
    return f"total = {t:,} bigrams (characters + one per word: the lesson's 228,146)"


@_register(
    "02_bigram_dict.ipynb",
    ("starts", "ends"),
    "Add up the counts of the pairs whose first token is <S> (and those whose second is <E>).",
)
def starts_ends(ns: dict[str, Any]) -> str:
    s, e = get(ns, "starts"), get(ns, "ends")
    if (s, e) != (WORDS, WORDS):
        if s == e and s < WORDS:
            raise Wrong(f"{s} pairs: count each pair's *count*, not one per different pair.")
        raise Wrong(f"starts = {s}, ends = {e}; each of the {WORDS:,} words has one of each.")
    return f"{s:,} pairs start with <S> and {e:,} end with <E>: one per word"


@_register(
    "02_bigram_dict.ipynb",
    ("ranked",),
    "sorted(b.items(), key=lambda kv: -kv[1]) puts the largest count first.",
)
def ranked(ns: dict[str, Any]) -> str:
    r = list(get(ns, "ranked"))
    if not r or not isinstance(r[0], tuple) or len(r[0]) != 2:
        raise Wrong("`ranked` should be a list of (pair, count), like b.items().")
    if r[0][1] == min(ref_bigrams().values()):
        raise Wrong("smallest count first: sort by -count (or reverse=True).")
    top = max(ref_bigrams().values())
    if r[0][1] != top:
        raise Wrong(f"first entry {r[0]}: sort by the count, kv[1], not by the pair.")
    return f"most common: {r[0][0]} {r[0][1]:,} times (the lesson: n<E> 6763)"


# === 03 · The count matrix =======================================================================


@_register(
    "03_count_matrix.ipynb",
    ("N28",),
    "A 28x28 int32 tensor: letters 0-25, <S> 26, <E> 27; N28[ix1, ix2] += 1 for every pair.",
)
def N28(ns: dict[str, Any]) -> str:
    M = _tensor(get(ns, "N28"), "N28")
    if tuple(M.shape) != (28, 28):
        raise Wrong(f"shape {tuple(M.shape)}: 26 letters + <S> + <E> is 28x28.")
    total = int(M.sum())
    if total == BIGRAMS - WORDS:
        raise Wrong(f"{total:,} bigrams, {WORDS:,} short (one per word): add the end token <E>.")
    if total != BIGRAMS:
        raise Wrong(f"N28.sum() = {total:,}; every word gives len(w) + 1 bigrams.")
    if int(M[27].sum()) != 0 or int(M[:, 26].sum()) != 0:
        raise Wrong("row 27 (<E>) and column 26 (<S>) should be empty: stoi28 <S> 26, <E> 27.")
    return f"N28.sum() = {total:,} bigrams in a 28x28 table, row <E> and column <S> empty"


@_register(
    "03_count_matrix.ipynb",
    ("stoi", "itos"),
    "stoi = {s: i + 1 for i, s in enumerate(chars)}, then stoi['.'] = 0; itos the other way.",
)
def stoi_itos(ns: dict[str, Any]) -> str:
    stoi, itos = get(ns, "stoi"), get(ns, "itos")
    if not isinstance(stoi, dict) or not isinstance(itos, dict):
        raise Wrong("stoi and itos should both be dicts.")
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
    "N = torch.zeros((27, 27), dtype=torch.int32); chs = ['.'] + list(w) + ['.']; "
    "N[stoi[ch1], stoi[ch2]] += 1 for each pair.",
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


@_register(
    "03_count_matrix.ipynb",
    ("xs", "ys", "N_fast"),
    "xs.append(stoi[ch1]); ys.append(stoi[ch2]) for every pair; then torch.tensor(xs).",
)
def training_pairs(ns: dict[str, Any]) -> str:
    xs, ys = get(ns, "xs"), get(ns, "ys")
    if isinstance(xs, list) or isinstance(ys, list):
        raise Wrong("xs and ys are still Python lists: make tensors, xs = torch.tensor(xs).")
    xs, ys = _tensor(xs, "xs"), _tensor(ys, "ys")
    if len(xs) == BIGRAMS - WORDS:
        raise Wrong(f"{len(xs):,} pairs, {WORDS:,} short: the end '.' of each word is forgotten.")
    if len(xs) != BIGRAMS or len(ys) != BIGRAMS:
        raise Wrong(f"{len(xs):,} inputs, {len(ys):,} labels; want {BIGRAMS:,} of each.")
    counts = torch.bincount(xs.long() * V + ys.long(), minlength=V * V).view(V, V)
    if torch.equal(counts.T, ref_N()):
        raise Wrong("xs and ys are swapped: xs holds the first character, ys the next one.")
    if not torch.equal(counts, ref_N()):
        raise Wrong("the pairs do not match the counts: xs gets stoi[ch1], ys gets stoi[ch2].")
    N_fast = _tensor(get(ns, "N_fast"), "N_fast")
    if tuple(N_fast.shape) != (V, V) or not torch.equal(N_fast.long(), ref_N()):
        raise Wrong("N_fast: torch.bincount(xs * 27 + ys, minlength=27 * 27).view(27, 27).")
    return f"{len(xs):,} (x, y) pairs; their bincount is N (N_fast.sum() = {int(N_fast.sum()):,})"


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
    want = ref_P(0.0)[0]
    if torch.allclose(p.double(), ref_N()[:, 0].double() / WORDS, atol=1e-6):
        raise Wrong("that is column 0 (how names end); row 0, N[0], is how they start.")
    if not torch.allclose(p.double(), want, atol=1e-6):
        raise Wrong("p should be N[0].float() / N[0].sum().")
    return f"p sums to 1; p[a] = {float(p[1]):.4f} = 4,410 / 32,033"


@_register(
    "04_sampling.ipynb",
    ("p3",),
    "g = torch.Generator().manual_seed(2147483647); torch.rand(3, generator=g), then / sum.",
)
def seeded_rand(ns: dict[str, Any]) -> str:
    p3 = _tensor(get(ns, "p3"), "p3")
    lesson = torch.tensor([0.6064, 0.3033, 0.0903])  # printed in the lecture
    if p3.shape != (3,):
        raise Wrong(f"shape {tuple(p3.shape)}: three numbers, torch.rand(3, ...).")
    if not _close(float(p3.sum()), 1.0, 1e-5):
        raise Wrong("p3 does not sum to 1: divide by p3.sum().")
    if not torch.allclose(p3, lesson, atol=1e-4):
        raise Wrong(
            "not the lesson's numbers: torch.rand without generator=g uses the global random "
            "state (not reproducible). Seed g = torch.Generator().manual_seed(2147483647) and pass "
            "generator=g."
        )
    return f"p3 = {[round(x, 4) for x in p3.tolist()]}, the lecture's numbers"


def _sampling_mistakes(names: Any, want: list[str], name: str) -> None:
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise Wrong(f"`{name}` should be a list of strings.")
    if len(names) != len(want):
        raise Wrong(f"{len(names)} names; the cell draws {len(want)}.")
    if any(not x.endswith(".") for x in names):
        raise Wrong("each name should end with '.': append itos[ix] before the `if ix == 0`.")
    if names != want:
        raise Wrong(
            "valid names but not the seeded ones: sampling without the generator is not "
            "reproducible. Make g = torch.Generator().manual_seed(2147483647) right before the "
            "loop and pass generator=g to torch.multinomial."
        )


@_register(
    "04_sampling.ipynb",
    ("count_names",),
    "Start at ix = 0; repeat: p = N[ix] normalised, ix = torch.multinomial(p, 1, True, "
    "generator=g).item(), out.append(itos[ix]), stop at ix == 0.",
)
def sampling_loop(ns: dict[str, Any]) -> str:
    names = get(ns, "count_names")
    _sampling_mistakes(names, ref_samples(ref_P(0.0).float(), 5), "count_names")
    return f"5 seeded names: {', '.join(names)}"


@_register(
    "04_sampling.ipynb",
    ("P",),
    "P = (N + 1).float(); P /= P.sum(1, keepdim=True).",
)
def smoothed_P(ns: dict[str, Any]) -> str:
    P = _tensor(get(ns, "P"), "P")
    if tuple(P.shape) != (V, V):
        raise Wrong(f"shape {tuple(P.shape)}: P is 27x27 like N.")
    if not P.is_floating_point():
        raise Wrong(f"P is {P.dtype}: make it float before dividing, (N + 1).float().")
    _rows_or_columns(P, "P")
    if (P == 0).any():
        raise Wrong("P has zeros: add 1 to every count first, (N + 1), so nothing is impossible.")
    if not torch.allclose(P.double(), ref_P(1.0), atol=1e-6):
        raise Wrong("rows sum to 1 but the values differ: P = (N + 1) / row sums.")
    return f"every row of P sums to 1; P[q, b] = {float(P[17, 2]):.5f} > 0 (smoothed)"


@_register(
    "04_sampling.ipynb",
    ("names",),
    "The loop of count_names with p = P[ix], and g seeded again right before it.",
)
def sampling_P(ns: dict[str, Any]) -> str:
    names = get(ns, "names")
    _sampling_mistakes(names, ref_samples(ref_P(1.0).float(), 5), "names")
    return f"5 seeded names from P: {', '.join(names)}"


# === 05 · Negative log-likelihood and smoothing ==================================================


@_register(
    "05_nll_smoothing.ipynb",
    ("P",),
    "P = N.float(); P /= P.sum(1, keepdim=True)  (no smoothing this time).",
)
def P_counts(ns: dict[str, Any]) -> str:
    P = _tensor(get(ns, "P"), "P")
    if tuple(P.shape) != (V, V) or not P.is_floating_point():
        raise Wrong("P should be a 27x27 float tensor: N.float().")
    _rows_or_columns(P, "P")
    if torch.allclose(P.double(), ref_P(1.0), atol=1e-6):
        raise Wrong("that is the smoothed table (N + 1); here P is the plain counts, N.float().")
    if not torch.allclose(P.double(), ref_P(0.0), atol=1e-6):
        raise Wrong("P should be each row of N divided by that row's sum.")
    return f"rows sum to 1; P[., a] = {float(P[0, 1]):.4f}; P[q, b] = 0 (never seen)"


@_register(
    "05_nll_smoothing.ipynb",
    ("log_likelihood", "nll", "n"),
    "For each bigram: logprob = torch.log(prob); log_likelihood += logprob.item(); "
    "then nll = -log_likelihood.",
)
def nll_three_words(ns: dict[str, Any]) -> str:
    ll, nll, n = get(ns, "log_likelihood"), get(ns, "nll"), get(ns, "n")
    ll, nll = _number(ll, "log_likelihood"), _number(nll, "nll")
    want = sum(
        math.log(ref_P(0.0)[ref_ix()[a], ref_ix()[b]].item())
        for w in ref_words()[:3]
        for a, b in zip("." + w, w + ".", strict=True)
    )
    if n != 16:
        raise Wrong(f"n = {n}: emma, olivia and ava have 16 bigrams; add 1 per bigram.")
    if not _close(ll, want, 1e-3):
        if _close(ll, math.exp(want), 1e-6):
            raise Wrong("that is the product of the probabilities; add their logs instead.")
        raise Wrong(f"log_likelihood = {ll:.4f}; add up log(prob) of the 16 bigrams.")
    if _close(nll, ll, 1e-9):
        raise Wrong(f"nll = {nll:.4f} is negative: the negative log-likelihood is -log_likelihood.")
    if not _close(nll, -want, 1e-3):
        raise Wrong(f"nll = {nll:.4f}; it is -log_likelihood.")
    return f"log_likelihood = {ll:.4f}, nll = {nll:.4f} (the lesson: -38.7856)"


@_register(
    "05_nll_smoothing.ipynb",
    ("nll_loop",),
    "Loop over every bigram of every word, add up log P[ix1, ix2] and count n; "
    "nll_loop = -log_likelihood / n.",
)
def average_nll(ns: dict[str, Any]) -> str:
    value = _number(get(ns, "nll_loop"), "nll_loop")
    want = ref_nll(0.0)
    _nll_mistakes(value, want, BIGRAMS, "nll_loop")
    if not _close(value, want, 2e-4):
        raise Wrong(f"nll_loop = {value:.4f}; the average over all {BIGRAMS:,} bigrams.")
    return f"average NLL = {value:.4f} nats over {BIGRAMS:,} bigrams (the lesson: 2.4541)"


@_register(
    "05_nll_smoothing.ipynb",
    ("P1",),
    "P1 = (N + 1).float(); P1 /= P1.sum(1, keepdim=True).",
)
def smoothing(ns: dict[str, Any]) -> str:
    P1 = _tensor(get(ns, "P1"), "P1")
    if tuple(P1.shape) != (V, V) or not P1.is_floating_point():
        raise Wrong("P1 should be a 27x27 float tensor: (N + 1).float().")
    _rows_or_columns(P1, "P1")
    if (P1 == 0).any():
        raise Wrong("P1 still has zeros, so log(0) = -inf for 'jq': add 1 to N before dividing.")
    if not torch.allclose(P1.double(), ref_P(1.0), atol=1e-6):
        raise Wrong("add 1 to the counts *before* normalising: (N + 1) / row sums.")
    return f"no zeros; P1[j, q] = {float(P1[10, 17]):.5f} (jq: never seen, now possible)"


@_register(
    "05_nll_smoothing.ipynb",
    ("nll_smoothed",),
    "The average NLL of all bigrams of the data under P1 (as nll_loop, with P1).",
)
def smoothed_nll(ns: dict[str, Any]) -> str:
    value = _number(get(ns, "nll_smoothed"), "nll_smoothed")
    want = ref_nll(1.0)
    _nll_mistakes(value, want, BIGRAMS, "nll_smoothed")
    if _close(value, ref_nll(0.0), 5e-5):
        raise Wrong("that is the unsmoothed NLL: use P1, the table from (N + 1).")
    if not _close(value, want, 2e-4):
        raise Wrong(f"nll_smoothed = {value:.4f}; average -log P1 over every bigram.")
    return f"smoothed average NLL = {value:.4f} (the lesson: 2.4544), a little above α = 0"


# === 06 · The bigram model as a neural net ========================================================

EMMA_X, EMMA_Y = [0, 5, 13, 13, 1], [5, 13, 13, 1, 0]


@_register(
    "06_neural_net.ipynb",
    ("xs", "ys"),
    "For the first word: xs.append(stoi[ch1]); ys.append(stoi[ch2]); then torch.tensor.",
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
        raise Wrong(f"xs is {xs.dtype}: the indices must be integers, torch.tensor of ints.")
    return f"xs = {xs.tolist()}, ys = {ys.tolist()} (int64)"


@_register(
    "06_neural_net.ipynb",
    ("xenc",),
    "xenc = F.one_hot(xs, num_classes=27).float().",
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
    "g = torch.Generator().manual_seed(2147483647); W = torch.randn((27, 27), generator=g); "
    "logits = xenc @ W.",
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
    "counts = logits.exp(); probs = counts / counts.sum(1, keepdim=True).",
)
def softmax(ns: dict[str, Any]) -> str:
    probs = _tensor(get(ns, "probs"), "probs")
    want = torch.softmax(seeded_W()[EMMA_X], dim=1)
    if tuple(probs.shape) != (5, V):
        raise Wrong(f"shape {tuple(probs.shape)}: one row of 27 probabilities per example.")
    if bool((probs < 0).any()):
        raise Wrong("negative probabilities: exponentiate the logits first, logits.exp().")
    if torch.allclose(probs.sum(0), torch.ones(V)) and not torch.allclose(
        probs.sum(1), torch.ones(5)
    ):
        raise Wrong("columns sum to 1: normalise each row, counts.sum(1, keepdim=True).")
    if not torch.allclose(probs.detach(), want, atol=1e-6):
        raise Wrong("rows should be exp(logits) divided by their row sums.")
    return f"probs (5, 27), every row sums to 1; probs[0, 5] = {float(probs[0, 5]):.4f}"


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
    return f"loss = {value:.4f} (the lesson: 3.7693)"


@_register(
    "06_neural_net.ipynb",
    ("W",),
    "Step against the gradient: W.data += -0.1 * W.grad (after W.grad = None and backward).",
)
def gradient_step(ns: dict[str, Any]) -> str:
    W = _tensor(get(ns, "W"), "W").detach()
    W0 = seeded_W()
    W0g = W0.clone().requires_grad_()
    P = torch.softmax(torch.nn.functional.one_hot(torch.tensor(EMMA_X), V).float() @ W0g, 1)
    (-P[torch.arange(5), torch.tensor(EMMA_Y)].log().mean()).backward()
    g = W0g.grad
    assert g is not None
    if torch.allclose(W, W0):
        raise Wrong("W has not changed: W.data += -0.1 * W.grad.")
    if torch.allclose(W, W0 + 0.1 * g, atol=1e-6):
        raise Wrong(
            "the update has the wrong sign: the loss goes up. Step against it, -0.1 * W.grad."
        )
    if torch.allclose(W, W0 - 0.2 * g, atol=1e-6):
        raise Wrong(
            "W moved twice as far: gradients not reset (W.grad = None before backward), or the "
            "step ran twice. Re-run from the cell that makes W."
        )
    if not torch.allclose(W, W0 - 0.1 * g, atol=1e-6):
        raise Wrong("W is not one step of -0.1 * W.grad from the seeded W: re-run from its cell.")
    new = -torch.softmax(W[EMMA_X], 1)[torch.arange(5), EMMA_Y].log().mean().item()
    return f"one step lowered the loss: 3.7693 -> {new:.4f}"


@_register(
    "06_neural_net.ipynb",
    ("losses",),
    "In each step: forward, W.grad = None, loss.backward(), W.data += -50 * W.grad.",
)
def training_loop(ns: dict[str, Any]) -> str:
    losses = get(ns, "losses")
    if losses == []:
        raise Missing("`losses` is empty: write the training loop in the cell above and run it.")
    if not isinstance(losses, list) or len(losses) < 5:
        raise Wrong("`losses` should be the list of the 100 losses (losses.append(loss.item())).")
    got = [float(x) for x in losses[:5]]
    right = ref_descent(seeded_W(), 50.0, 5)
    if _close(got[0], -right[0], 1e-3):
        raise Wrong("the loss is negative: -probs[...].log().mean() needs its minus sign.")
    if not _close(got[0], right[0], 1e-3):
        raise Wrong(f"first loss {got[0]:.4f}; from the seeded W it is ln-probabilities' mean.")
    for mode, message in (
        ("no_reset", "gradients not reset between steps: set W.grad = None before backward()."),
        ("wrong_sign", "the update has the wrong sign: W.data += -50 * W.grad goes downhill."),
    ):
        wrong = ref_descent(seeded_W(), 50.0, 5, mode)
        if all(_close(a, b, 1e-3) for a, b in zip(got, wrong, strict=True)):
            raise Wrong(message)
    if not all(_close(a, b, 1e-3) for a, b in zip(got, right, strict=True)):
        raise Wrong(f"losses {[round(x, 4) for x in got]}: learning rate 50, full batch.")
    return f"loss {got[0]:.4f} -> {float(losses[-1]):.4f} in {len(losses)} steps, falling"


# === 07 · The net learns the counts ==============================================================


@_register(
    "07_matches_counts.ipynb",
    ("loss_and_grad",),
    "logp = log_softmax(W, dim=1); loss = -(N * logp).sum() / N.sum(); "
    "grad = (row sums * softmax - N) / N.sum().",
)
def loss_and_grad(ns: dict[str, Any]) -> str:
    fn = get(ns, "loss_and_grad")
    W = seeded_W().double()
    want_loss, want_grad = ref_loss_and_grad(W)
    out = call(fn, "loss_and_grad", W, ref_N())
    if not isinstance(out, tuple) or len(out) != 2:
        raise Wrong("loss_and_grad should return two things: loss, grad.")
    loss, grad = _number(out[0], "loss"), out[1]
    _nll_mistakes(loss, want_loss, BIGRAMS, "loss")
    if not _close(loss, want_loss, 1e-6):
        raise Wrong(f"loss = {loss:.6f}: -(N * log_softmax(W, dim=1)).sum() / N.sum().")
    grad = _tensor(grad, "grad").double()
    if torch.allclose(grad, -want_grad, atol=1e-8):
        raise Wrong("the gradient has the wrong sign: (row sums * softmax - N) / N.sum().")
    if not torch.allclose(grad, want_grad, atol=1e-8):
        raise Wrong("the gradient differs from autograd's: (row sums * softmax(W) - N) / N.sum().")
    return f"loss {loss:.4f} and its gradient agree with autograd (27x27 instead of 228,146 rows)"


@_register(
    "07_matches_counts.ipynb",
    ("W",),
    "W seeded; W.grad = None; loss_onehot.backward() fills W.grad.",
)
def autograd_grad(ns: dict[str, Any]) -> str:
    W = _tensor(get(ns, "W"), "W")
    if W.grad is None:
        raise Missing("W.grad is None: call loss_onehot.backward() (W needs requires_grad=True).")
    _, want = ref_loss_and_grad(W)
    got = W.grad.double()
    if torch.allclose(got, 2 * want, atol=1e-6):
        raise Wrong("W.grad is twice the gradient: gradients not reset. Set W.grad = None first.")
    if not torch.allclose(got, want, atol=1e-6):
        raise Wrong("W.grad differs from the gradient of the average NLL of every bigram.")
    return f"W.grad matches the counts' gradient; largest entry {got.abs().max():.2e}"


@_register(
    "07_matches_counts.ipynb",
    ("P_net",),
    "P_net = softmax of W_net, row by row: torch.softmax(W_net, dim=1).",
)
def net_probabilities(ns: dict[str, Any]) -> str:
    P_net = _tensor(get(ns, "P_net"), "P_net")
    if tuple(P_net.shape) != (V, V):
        raise Wrong(f"shape {tuple(P_net.shape)}; 27x27.")
    _rows_or_columns(P_net, "P_net")
    gap = float((P_net.double() - ref_P(0.0)).abs().max())
    if gap > 5e-3:
        raise Wrong(f"P_net differs from the counts' P by {gap:.3f}: is W_net trained (fit_fast)?")
    return f"softmax(W_net) equals N / row sums to {gap:.4f} in every cell"


@_register(
    "07_matches_counts.ipynb",
    ("P_zero",),
    "W_zero = torch.zeros((27, 27)); P_zero = the softmax of its rows.",
)
def uniform_W0(ns: dict[str, Any]) -> str:
    P_zero = _tensor(get(ns, "P_zero"), "P_zero")
    if tuple(P_zero.shape) != (V, V) or not torch.allclose(P_zero, torch.full((V, V), 1 / V)):
        raise Wrong("softmax of a row of zeros is 1/27 everywhere: exp(0) = 1, divided by 27.")
    return f"W = 0 gives 1/27 = {1 / V:.4f} everywhere: the uniform model"


@_register(
    "07_matches_counts.ipynb",
    ("from_counts", "from_net"),
    "Seed g again before each list: torch.Generator().manual_seed(2147483647).",
)
def same_samples(ns: dict[str, Any]) -> str:
    a, b = get(ns, "from_counts"), get(ns, "from_net")
    if a != b:
        raise Wrong(
            "the two lists differ: sample both with a generator seeded the same way, right "
            "before each list (sampling without it is not reproducible)."
        )
    want = [x.removesuffix(".") for x in ref_samples(ref_P(0.0).float(), len(a))]
    if a != want:
        raise Wrong("the names are not the seeded ones: pass generator=g, seeded 2147483647.")
    return f"the same {len(a)} names from the counts and from the net: {', '.join(a[:4])}, ..."


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
    ("x1", "x2", "ys"),
    "xs is c1 * 27 + c2: x1 = xs // 27, x2 = xs % 27.",
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
    return f"{len(ys):,} examples; the first: ..→e .e→m em→m mm→a ma→."


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
    "shortest_longest": "shortest = min(len(w) for w in words); longest likewise with max.",
    "duplicates": "counts = Counter(words); duplicated = [w for w, c in counts.items() if c > 1]",
    "chars": 'chars = sorted(set("".join(words)))',
    "stats": '{"words": len(words), "unique": len(set(words)), "min_len": shortest, ...}',
    "pairs": 'chs = ["<S>"] + list(w) + ["<E>"]; pairs = list(zip(chs, chs[1:]))',
    "bigram_counts": "Two loops: for w in words: ... for ch1, ch2 in zip(chs, chs[1:]): ...",
    "total": "total = sum(b.values())",
    "starts_ends": 'sum(count for (ch1, _), count in b.items() if ch1 == "<S>")',
    "ranked": "ranked = sorted(b.items(), key=lambda kv: -kv[1])",
    "N28": "stoi28 = {s: i for i, s in enumerate(chars)}, then add <S> and <E>; the loop of 02.",
    "stoi_itos": "itos = {i: s for s, i in stoi.items()}",
    "count_matrix": "Inside the loop: ix1 = stoi[ch1]; ix2 = stoi[ch2]; N[ix1, ix2] += 1",
    "training_pairs": "N_fast = torch.bincount(xs * 27 + ys, minlength=27 * 27).view(27, 27)",
    "first_row": "p = N[0].float(); p = p / p.sum()",
    "seeded_rand": "p3 = torch.rand(3, generator=g); p3 = p3 / p3.sum()",
    "sampling_loop": "g = torch.Generator().manual_seed(2147483647) goes *before* the for loop.",
    "smoothed_P": "keepdim=True keeps the row sums as a (27, 1) column, so each row is divided.",
    "sampling_P": "The same loop as count_names, with p = P[ix]; seed g again right before it.",
    "P_counts": "P /= P.sum(1, keepdim=True): each row by its own sum.",
    "nll_three_words": "log_likelihood starts at 0.0 and n at 0; nll = -log_likelihood.",
    "average_nll": "Same loop as above over all words; then nll_loop = -log_likelihood / n.",
    "smoothing": "P1 = (N + 1).float(); P1 /= P1.sum(1, keepdim=True)",
    "smoothed_nll": "The loop of nll_loop with P1 in place of P.",
    "pairs_emma": "xs, ys = [], []; append in the zip loop; xs = torch.tensor(xs).",
    "one_hot_float": "F.one_hot gives int64; .float() converts it.",
    "logits": "W = torch.randn((27, 27), generator=g); logits = xenc @ W",
    "softmax": "sum(1, keepdim=True): a (5, 1) column, one sum per row.",
    "loss_by_indexing": "loss = -probs[torch.arange(5), ys].log().mean()",
    "gradient_step": "W.data += -0.1 * W.grad",
    "training_loop": "loss = -probs[torch.arange(num), ys].log().mean(); then W.grad = None, "
    "loss.backward(), W.data += -50 * W.grad.",
    "loss_and_grad": "Nf = N.to(W.dtype); logp = torch.log_softmax(W, dim=1); "
    "grad = (Nf.sum(1, keepdim=True) * logp.exp() - Nf) / Nf.sum()",
    "autograd_grad": "loss_onehot = bigram.forward_nll(W, xs, ys); W.grad = None; "
    "loss_onehot.backward(); loss_counts, grad_counts = loss_and_grad(W.detach(), N)",
    "net_probabilities": "P_net = bigram.net_probabilities(W_net)",
    "uniform_W0": "P_zero = bigram.net_probabilities(W_zero)",
    "same_samples": "g = torch.Generator().manual_seed(bigram.SEED); "
    "from_counts = [bigram.sample_name(P_counts32, itos, g) for _ in range(20)]; same for net.",
    "trigrams_of": "return list(zip(chs, chs[1:], chs[2:]))",
    "trigram_counts": "Counter(t for w in words for t in trigrams_of(w)); "
    "N3 = bigram.count_matrix(words, stoi, 3)",
    "trigram_nll": "for n, N in ((2, N2), (3, N3)): for alpha in (0.0, 1.0): "
    "nll[n, alpha] = bigram.nll_from_counts(N, bigram.probabilities(N, alpha))",
    "trigram_inputs": "x1, x2 = xs // V, xs % V",
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
