"""What is observably different between a learner's value and the reference: one phrase of fact.

`describe(label, got, want)` is written once and serves every step. It never names a cause; it
says what the value is, in the lesson's terms: its type, dtype or shape; that it holds NaN or is
all zeros; that it is the reference transposed, scaled by a factor (named when it is one the
lesson meets: 2, 1/2, -1, ln 10, 1/ln 10, a count), off by a constant, normalised along the
other axis or over the whole table; which rows and columns differ and by how much, and where a
sum is short; the first differing key, item or character; the same item repeated. Each test is
guarded: a value this module cannot read gets a plain phrase, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch

from helpers.checks.ref import BIGRAMS, WORDS

LN10 = math.log(10)
SYMBOLS = "." + "abcdefghijklmnopqrstuvwxyz"  # index -> character of the 27-symbol tables


def _n(x: float) -> str:
    """A number as the lesson prints it."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e15):
        return f"{int(x):,}"
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return str(x)
    return f"{x:.4g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.3e}"


def kind(value: Any) -> str:
    """The type of a value in a few words: 'a (27, 27) int32 tensor', 'a list of 5 str'."""
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        dt = str(value.dtype).replace("torch.", "")
        return f"a 0-d {dt} tensor" if not shape else f"a {shape} {dt} tensor"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, int | float):
        return f"the {type(value).__name__} {_n(value)}"
    if isinstance(value, str):
        text = repr(value)
        return f"the string {text}" if len(text) <= 40 else f"a string of {len(value):,} characters"
    if isinstance(value, list | tuple | set | dict):
        inner = {type(v).__name__ for v in list(value)[:50]}
        of = f" of {'/'.join(sorted(inner))}" if inner and len(inner) <= 2 else ""
        return f"a {type(value).__name__}{of} of {len(value):,} items"
    return f"a {type(value).__name__}"


def _at(label: str, key: str) -> str:
    """label[key], inside the label's backticks."""
    if label.startswith("`") and label.endswith("`"):
        return f"`{label[1:-1]}[{key}]`"
    return f"{label}[{key}]"


def _dot(label: str, attr: str) -> str:
    """label.attr, inside the label's backticks."""
    if label.startswith("`") and label.endswith("`"):
        return f"`{label[1:-1]}.{attr}`"
    return f"{label}.{attr}"


def _index(i: int, size: int) -> str:
    return f"{i} ({SYMBOLS[i]!r})" if size == 27 else str(i)


def _which(idx: list[int], size: int) -> str:
    shown = ", ".join(_index(i, size) for i in idx[:4])
    return shown + (f" and {len(idx) - 4} more" if len(idx) > 4 else "")


def _factor(r: float) -> str | None:
    """A name for a ratio the lesson meets."""
    for value, name in (
        (2.0, "2 (twice)"),
        (0.5, "1/2 (half)"),
        (-1.0, "-1 (the sign flipped)"),
        (1 / LN10, "1/ln 10 = 0.4343 (log base 10 against the natural log)"),
        (LN10, "ln 10 = 2.303"),
        # the dataset's two counts, which a sum is divided by (or not) to make an average
        (1 / WORDS, f"1/{WORDS:,} (divided by the number of names)"),
        (1 / BIGRAMS, f"1/{BIGRAMS:,} (divided by the number of bigrams)"),
        (float(WORDS), f"{WORDS:,} (the number of names)"),
        (float(BIGRAMS), f"{BIGRAMS:,} (the number of bigrams)"),
        (BIGRAMS / WORDS, f"{BIGRAMS:,}/{WORDS:,} (the number of bigrams over that of names)"),
        (WORDS / BIGRAMS, f"{WORDS:,}/{BIGRAMS:,} (the number of names over that of bigrams)"),
    ):
        if math.isclose(r, value, rel_tol=1e-4):
            return name
    return None


def _scaled(g: torch.Tensor, w: torch.Tensor) -> float | None:
    """r when g = r * w everywhere (w not all zero), else None."""
    nz = w != 0
    if not bool(nz.any()) or not bool(torch.all(g[~nz] == 0)):
        return None
    ratios = g[nz] / w[nz]
    r = float(ratios.median())
    if r == 0 or not math.isfinite(r):
        return None
    if torch.allclose(ratios, torch.full_like(ratios, r), rtol=1e-4, atol=1e-6):
        return r
    return None


def _tensor(label: str, g: torch.Tensor, w: torch.Tensor) -> str:
    if g.is_complex() or g.dtype == torch.bool and w.dtype != torch.bool:
        return f"{label} {kind(g)}; want {kind(w)}"
    if g.shape != w.shape:
        if g.dim() == 2 and g.T.shape == w.shape:
            return f"{label} {kind(g)}: shape {tuple(g.shape)} is {tuple(w.shape)} transposed"
        return f"{label} is {kind(g)}; want shape {tuple(w.shape)}"
    gd, wd = g.double(), w.double()
    narrow = ""
    if g.dtype in (torch.uint8, torch.int8, torch.int16) and g.dtype != w.dtype:
        top = {torch.uint8: 255, torch.int8: 127, torch.int16: 32_767}[g.dtype]
        narrow = f"{label} is {str(g.dtype).replace('torch.', '')}, which holds at most {top:,}; "
    nan = int(torch.isnan(gd).sum())
    if nan:
        return f"{label} holds {nan:,} NaN values (of {g.numel():,})"
    inf = int(torch.isinf(gd).sum()) - int(torch.isinf(wd).sum())
    if inf > 0:
        return f"{label} holds {inf:,} infinite values"
    if g.numel() > 1 and bool((gd == 0).all()) and not bool((wd == 0).all()):
        return f"{label} is all zeros (its sum should be {_n(float(wd.sum()))})"
    if g.dim() == 1 and g.is_floating_point() and math.isclose(float(wd.sum()), 1, abs_tol=1e-4):
        total = float(gd.sum())
        if not math.isclose(total, 1, abs_tol=1e-4):
            r = _scaled(gd, wd)
            times = (
                f"; it is the expected values times {_factor(r) or _n(r)} (the right "
                "proportions, not divided by their own sum)"
                if r
                else ""
            )
            return f"{label} sums to {_n(total)}, not 1{times}: probabilities sum to 1"
    if g.dim() == 2 and g.shape[0] == g.shape[1] and torch.allclose(gd, wd.T, rtol=1e-4, atol=1e-6):
        return f"{label} is the expected table transposed: rows and columns swapped"
    if g.dim() == 2 and g.is_floating_point():
        rows_w = wd.sum(1)
        if torch.allclose(rows_w, torch.ones_like(rows_w), atol=1e-4):
            if torch.allclose(gd.sum(0), torch.ones_like(gd.sum(0)), atol=1e-4):
                return f"{label}'s columns sum to 1; its rows should (normalise along dim 1)"
            if math.isclose(float(gd.sum()), 1, abs_tol=1e-4):
                return f"{label} sums to 1 over the whole table; each row should sum to 1"
            bad = [
                i for i, s in enumerate(gd.sum(1).tolist()) if not math.isclose(s, 1, abs_tol=1e-4)
            ]
            if bad:
                line = f"rows {_which(bad, g.shape[0])} of {label} do not sum to 1"
                factors = [_scaled(gd[i], wd[i]) for i in bad]
                if all(f is not None for f in factors):
                    k = bad[0]
                    line += (
                        f", though each is the expected row times a number of its own (row "
                        f"{_index(k, g.shape[0])}: {_n(float(factors[0] or 0))}): the right "
                        "proportions within each row, not divided by that row's own sum"
                    )
                return line
    r = _scaled(gd, wd)
    if r is not None:
        name = _factor(r)
        if name is None and abs(r - round(r)) < 1e-6 and abs(r) > 1:
            name = f"{int(round(r)):,}"
        return f"{label} is the expected value times {name or _n(r)}"
    diff = gd - wd
    if g.numel() > 1 and torch.allclose(diff, diff.flatten()[0].expand_as(diff), atol=1e-6):
        return f"every entry of {label} is off by {_n(float(diff.flatten()[0]))}"
    if g.dim() == 2 and g.shape[0] > 1 and g.shape[1] > 1 and bool((gd != 0).any()):
        for di, dj in ((1, 1), (1, 0), (0, 1), (-1, -1), (-1, 0), (0, -1)):
            if torch.equal(gd, _moved(wd, di, dj)):
                where = " and ".join(
                    f"{abs(d)} {axis} {side}"
                    for d, axis, side in (
                        (di, "row", "down" if di > 0 else "up"),
                        (dj, "column", "right" if dj > 0 else "left"),
                    )
                    if d
                )
                return f"{label} holds the expected entries moved {where}: each index off by one"
    if g.dim() == 2:
        counts = not g.is_floating_point() and not w.is_floating_point()
        line = narrow + _table(label, gd, wd, counts)
        if counts and bool(((gd == 0) | (gd == 1)).all()) and float(wd.max()) > 1:
            line += f"; every entry of {label} is 0 or 1"
        return line
    if g.dim() <= 1:
        far = (~torch.isclose(gd, wd, rtol=1e-4, atol=1e-4)).nonzero().flatten().tolist()
        if g.dim() == 0:
            return f"{label} is {_n(float(gd))}, not the expected value"
        if far:
            k = far[0]
            return (
                f"{label} differs in {len(far):,} of {g.numel():,} entries, first at [{k}]: "
                f"{_n(float(gd[k]))} where {_n(float(wd[k]))} is expected"
            )
    n_far = int((~torch.isclose(gd, wd, rtol=1e-4, atol=1e-4)).sum())
    return f"{label} has the right shape; {n_far:,} of {g.numel():,} entries differ"


def _moved(w: torch.Tensor, di: int, dj: int) -> torch.Tensor:
    """w with every entry moved di rows down and dj columns right (what falls off is lost)."""
    out = torch.zeros_like(w)
    rows, cols = w.shape
    out[max(di, 0) : rows + min(di, 0), max(dj, 0) : cols + min(dj, 0)] = w[
        max(-di, 0) : rows + min(-di, 0), max(-dj, 0) : cols + min(-dj, 0)
    ]
    return out


def _table(label: str, g: torch.Tensor, w: torch.Tensor, counts: bool) -> str:
    parts = []
    gs, ws = float(g.sum()), float(w.sum())
    if counts and gs != ws:
        gap = ws - gs
        parts.append(
            f"{_dot(label, 'sum()')} is {_n(gs)}, "
            + (f"{_n(gap)} short" if gap > 0 else f"{_n(-gap)} over")
        )
    for axis, what in ((1, "row"), (0, "column")):
        empty = [
            i
            for i in range(g.shape[1 - axis])
            if bool((g.select(1 - axis, i) == 0).all())
            and not bool((w.select(1 - axis, i) == 0).all())
        ]
        if empty:
            sums = sum(float(w.select(1 - axis, i).sum()) for i in empty)
            parts.append(
                f"{what}{'s' if len(empty) > 1 else ''} {_which(empty, g.shape[1 - axis])} "
                f"all zeros (expected sum {_n(sums)})"
            )
    if not parts:
        close = torch.isclose(g, w, rtol=1e-4, atol=1e-4)
        rows = [i for i in range(g.shape[0]) if not bool(close[i].all())]
        cols = [j for j in range(g.shape[1]) if not bool(close[:, j].all())]
        i, j = (~close).nonzero()[0].tolist()
        parts.append(
            f"{label} differs in {int((~close).sum()):,} cells, in rows {_which(rows, g.shape[0])}"
            f" and columns {_which(cols, g.shape[1])}; first [{i}, {j}]: {_n(float(g[i, j]))} "
            f"where {_n(float(w[i, j]))} is expected"
        )
    return "; ".join(parts)


def _number(label: str, g: Any, w: float) -> str:
    if isinstance(g, torch.Tensor):
        g = g.item()
    g = float(g)
    if math.isnan(g):
        return f"{label} is NaN"
    if math.isinf(g) and not math.isinf(w):
        return f"{label} is {g}: the log of a probability 0 is -inf"
    if w != 0 and g != 0:
        name = _factor(g / w)
        if name:
            return f"{label} is {_n(g)}: the expected value times {name}"
        r = g / w
        if abs(r - round(r)) < 1e-4 and round(r) > 2:
            return f"{label} is {_n(g)}: {int(round(r)):,} times the expected value"
        if abs(1 / r - round(1 / r)) < 1e-4 and round(1 / r) > 2:
            return f"{label} is {_n(g)}: the expected value divided by {int(round(1 / r)):,}"
    if float(w).is_integer() and g.is_integer():
        d = int(g - w)
        return f"{label} is {_n(g)}: {_n(abs(d))} {'more' if d > 0 else 'less'} than expected"
    d = g - w
    return f"{label} is {_n(g)}: {_n(abs(d))} {'more' if d > 0 else 'less'} than expected"


def _sequence(label: str, g: list[Any] | tuple[Any, ...], w: list[Any] | tuple[Any, ...]) -> str:
    if len(g) > 1 and len(set(map(repr, g))) == 1 and len(set(map(repr, w))) > 1:
        return f"{label} holds the same item {len(g)} times: {g[0]!r}"[:200]
    if 0 < len(g) < len(w) and all(_equal(a, b) for a, b in zip(g, w, strict=False)):
        return f"{label} is the first {len(g):,} of the {len(w):,} expected items"
    try:
        once = set(w)
        if len(once) < len(w) and len(g) == len(once) and set(g) == once:
            return (
                f"{label} holds each different item once, {len(g):,} items; the expected "
                f"{len(w):,} repeat some of them"
            )
    except TypeError:  # unhashable items
        pass
    for k, (a, b) in enumerate(zip(g, w, strict=False)):
        if not _equal(a, b):
            inner = describe(_at(label, str(k)), a, b)
            more = f" ({len(g):,} items; want {len(w):,})" if len(g) != len(w) else ""
            return inner + more
    if len(g) != len(w):
        extra = f"; item [{len(w)}] is {g[len(w)]!r}"[:80] if len(g) > len(w) else ""
        return f"{label} has {len(g):,} items; want {len(w):,}{extra}"
    return f"{label} differs from the expected value"


def _string(label: str, g: str, w: str) -> str:
    k = next((i for i, (a, b) in enumerate(zip(g, w, strict=False)) if a != b), min(len(g), len(w)))
    if k == min(len(g), len(w)):
        rest = g[k:] if len(g) > len(w) else w[k:]
        return (
            f"{label} is {g!r}"[:120]
            + f": {'extra' if len(g) > len(w) else 'missing'} at the end, {rest[:20]!r}"
        )
    return f"{label} is {g[: k + 10]!r}...: it differs from the expected at character {k}"[:200]


def _mapping(label: str, g: Mapping[Any, Any], w: Mapping[Any, Any]) -> str:
    missing = [k for k in w if k not in g]
    extra = [k for k in g if k not in w]
    parts = []
    if missing:
        parts.append(f"{label} lacks the key{'s' if len(missing) > 1 else ''} {_keys(missing)}")
    if extra:
        parts.append(f"{label} has the extra key{'s' if len(extra) > 1 else ''} {_keys(extra)}")
    try:
        seen: dict[Any, Any] = {}
        distinct = len(set(w.values())) == len(w)  # an index like stoi: no two keys share one
        for k, v in g.items() if distinct else ():
            if isinstance(v, int | str) and v in seen:
                parts.append(
                    f"{_at(label, repr(seen[v]))} and {_at(label, repr(k))} are both {v!r}"
                )
                break
            if isinstance(v, int | str):
                seen[v] = k
    except TypeError:
        pass
    if not parts:
        for k in w:
            if not _equal(g[k], w[k]):
                return describe(_at(label, repr(k)), g[k], w[k])
    return "; ".join(parts) or f"{label} differs from the expected value"


def _keys(keys: list[Any]) -> str:
    return ", ".join(repr(k) for k in keys[:4]) + (
        f" and {len(keys) - 4} more" if len(keys) > 4 else ""
    )


def _equal(a: Any, b: Any) -> bool:
    from helpers.checks.core import same

    try:
        return same(a, b)
    except Exception:
        return False


def describe(label: str, got: Any, want: Any) -> str:
    """One phrase of fact on how `got` differs from `want` (never an exception)."""
    try:
        return _describe(label, got, want)
    except Exception:
        return f"{label} is {kind(got)}, not the expected value"


def _describe(label: str, got: Any, want: Any) -> str:
    if isinstance(want, torch.Tensor):
        if isinstance(got, torch.Tensor):
            return _tensor(label, got.detach(), want)
        if isinstance(got, int | float) and not isinstance(got, bool) and want.dim() == 0:
            return _number(label, got, float(want))
        return f"{label} is {kind(got)}; want {kind(want)}"
    if isinstance(want, bool) or want is None:
        return f"{label} is {kind(got)}; want {kind(want)}"
    if isinstance(want, int | float):
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            return _number(label, got, float(want))
        if isinstance(got, bool) or not isinstance(got, int | float):
            return f"{label} is {kind(got)}; want a number"
        return _number(label, got, float(want))
    if isinstance(want, str):
        if not isinstance(got, str):
            return f"{label} is {kind(got)}; want a string"
        return _string(label, got, want)
    if isinstance(want, list | tuple):
        if isinstance(got, torch.Tensor):
            got = got.tolist()
        if not isinstance(got, list | tuple):
            return f"{label} is {kind(got)}; want {kind(want)}"
        return _sequence(label, got, want)
    if isinstance(want, Mapping):
        if not isinstance(got, Mapping):
            return f"{label} is {kind(got)}; want a dict"
        return _mapping(label, got, want)
    return f"{label} is {kind(got)}, not the expected value"
